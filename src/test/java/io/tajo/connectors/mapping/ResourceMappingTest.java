package io.tajo.connectors.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceMappingTest {
    static final String SHOPIFY_CUSTOMER = "{\"id\":706405506930370084,\"created_at\":\"2021-12-31T19:00:00-05:00\",\"updated_at\":\"2021-12-31T19:00:00-05:00\",\"first_name\":\"Bob\",\"last_name\":\"Biller\",\"state\":\"disabled\",\"note\":\"This customer loves ice cream\",\"verified_email\":true,\"multipass_identifier\":null,\"tax_exempt\":false,\"email\":\"bob@biller.com\",\"phone\":null,\"currency\":\"USD\",\"addresses\":[],\"tax_exemptions\":[],\"admin_graphql_api_id\":\"gid://shopify/Customer/706405506930370084\",\"default_address\":{\"id\":12321,\"customer_id\":706405506930370084,\"first_name\":\"Bob\",\"last_name\":\"Biller\",\"company\":null,\"address1\":\"151 O'Connor Street\",\"address2\":null,\"city\":\"Ottawa\",\"province\":\"ON\",\"country\":\"CA\",\"zip\":\"K2P 2L8\",\"phone\":\"555-555-5555\",\"name\":\"Bob Biller\",\"province_code\":\"ON\",\"country_code\":\"CA\",\"country_name\":\"CA\",\"default\":true}}";

    static final String SHOPIFY_MAPPING = """
            customers:
              list_id: 7            # any other keys of a section are settings
              delete_behavior: unsubscribe
              sync: {every: 15m, pages: [1, 2]}
              field_mapping:
                email: email
                first_name: FIRSTNAME
                last_name: LASTNAME
                total_spent: TOTAL_SPENT
                phone: {to: SMS, transform: e164}
                billing_phone: {from: default_address.phone, to: SMS_BACKUP, transform: e164}
                city: {from: "addresses[0].city", to: CITY, transform: [trim, lower]}
                tags: {to: TAGS, transform: join, separator: ", "}
                accepts: {to: OPT_IN, transform: boolean, default: false}
                origin: {to: SOURCE, transform: const, value: shopify}
                created_at: {to: SIGNUP_DATE, transform: date}
                verified_email: VERIFIED
                note: NOTE
            """;

    static final BrevoAttributeTypes TYPES = BrevoAttributeTypes.parse("FIRSTNAME:text, LASTNAME:text, SMS:text,"
            + " SMS_BACKUP:text, CITY:text, TAGS:text, TOTAL_SPENT:float, SIGNUP_DATE:date, OPT_IN:boolean,"
            + " SOURCE:text, VERIFIED:boolean, NOTE:text, LABEL:text, AMOUNT:float, DAY:date, FLAG:boolean");

    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void mapsTheShopifySampleOmittingWhatIsMissingOrNull() throws Exception {
        MappedContact contact = shopifyCustomers().map(json.readTree(SHOPIFY_CUSTOMER));

        assertThat(contact.email()).isEqualTo("bob@biller.com");
        // total_spent and tags are missing, phone is null and addresses is empty: none of them is sent
        assertThat(contact.attributes()).containsExactly(
                entry("FIRSTNAME", "Bob"),
                entry("LASTNAME", "Biller"),
                entry("SMS_BACKUP", "+15555555555"),
                entry("OPT_IN", false),
                entry("SOURCE", "shopify"),
                entry("SIGNUP_DATE", "2021-12-31"),
                entry("VERIFIED", true),
                entry("NOTE", "This customer loves ice cream"));
    }

    @Test
    void mapsEveryFieldOfAFullerShopifyCustomer() throws Exception {
        ObjectNode customer = (ObjectNode) json.readTree(SHOPIFY_CUSTOMER);
        customer.put("email", "  Bob@Biller.COM ");
        customer.put("phone", "613-555-0199");
        customer.put("total_spent", "12.50");
        customer.put("accepts", "yes");
        customer.putArray("tags").add("vip").add("newsletter");
        customer.putArray("addresses").addObject().put("city", "  OTTAWA ");

        MappedContact contact = shopifyCustomers().map(customer);

        assertThat(contact.email()).isEqualTo("bob@biller.com");
        assertThat(contact.attributes()).containsExactly(
                entry("FIRSTNAME", "Bob"),
                entry("LASTNAME", "Biller"),
                entry("TOTAL_SPENT", new BigDecimal("12.5")),
                entry("SMS", "+16135550199"),
                entry("SMS_BACKUP", "+15555555555"),
                entry("CITY", "ottawa"),
                entry("TAGS", "vip, newsletter"),
                entry("OPT_IN", true),
                entry("SOURCE", "shopify"),
                entry("SIGNUP_DATE", "2021-12-31"),
                entry("VERIFIED", true),
                entry("NOTE", "This customer loves ice cream"));
    }

    @Test
    void keepsTheSectionsOtherKeysAsSettings() throws Exception {
        assertThat(shopifyCustomers().settings()).containsExactly(
                entry("list_id", 7),
                entry("delete_behavior", "unsubscribe"),
                entry("sync", Map.of("every", "15m", "pages", List.of(1, 2))));
    }

    @Test
    void numberMakesDecimalsWithoutTrailingZerosOrExponents() throws Exception {
        assertThat(mapValue("{to: AMOUNT, transform: number}", "\"12.50\"")).isEqualTo(new BigDecimal("12.5"));
        assertThat(mapValue("{to: AMOUNT, transform: number}", "12.50")).isEqualTo(new BigDecimal("12.5"));
        assertThat(mapValue("{to: AMOUNT, transform: number}", "\" 100.00 \"")).hasToString("100");
        assertThat(mapValue("{to: AMOUNT, transform: number}", "7")).isEqualTo(new BigDecimal("7"));
        assertThat(failure("{to: AMOUNT, transform: number}", "\"12,50\""))
                .isEqualTo("field 'value' -> AMOUNT: not a number");
        assertThat(failure("{to: AMOUNT, transform: number}", "true"))
                .isEqualTo("field 'value' -> AMOUNT: not a number");
    }

    @Test
    void integerMakesLongsAndRejectsFractions() throws Exception {
        assertThat(mapValue("{to: AMOUNT, transform: integer}", "\"3\"")).isEqualTo(3L);
        assertThat(mapValue("{to: AMOUNT, transform: integer}", "3.0")).isEqualTo(3L);
        assertThat(failure("{to: AMOUNT, transform: integer}", "\"3.5\""))
                .isEqualTo("field 'value' -> AMOUNT: not a whole number");
        assertThat(failure("{to: AMOUNT, transform: integer}", "\"three\""))
                .isEqualTo("field 'value' -> AMOUNT: not a number");
    }

    @Test
    void booleanAcceptsTrueFalseYesNoAndOneZero() throws Exception {
        String mapping = "{to: FLAG, transform: boolean}";
        assertThat(mapValue(mapping, "true")).isEqualTo(true);
        assertThat(mapValue(mapping, "false")).isEqualTo(false);
        assertThat(mapValue(mapping, "\"True\"")).isEqualTo(true);
        assertThat(mapValue(mapping, "\"false\"")).isEqualTo(false);
        assertThat(mapValue(mapping, "\"yes\"")).isEqualTo(true);
        assertThat(mapValue(mapping, "\"no\"")).isEqualTo(false);
        assertThat(mapValue(mapping, "1")).isEqualTo(true);
        assertThat(mapValue(mapping, "0")).isEqualTo(false);
        assertThat(failure(mapping, "\"maybe\""))
                .isEqualTo("field 'value' -> FLAG: not a boolean (expected true/false, yes/no or 1/0)");
        assertThat(failure(mapping, "2"))
                .isEqualTo("field 'value' -> FLAG: not a boolean (expected true/false, yes/no or 1/0)");
    }

    @Test
    void dateKeepsTheDateAsWritten() throws Exception {
        String mapping = "{to: DAY, transform: date}";
        assertThat(mapValue(mapping, "\"2021-12-31\"")).isEqualTo("2021-12-31");
        assertThat(mapValue(mapping, "\"2021-12-31T19:00:00\"")).isEqualTo("2021-12-31");
        assertThat(mapValue(mapping, "\"2021-12-31T19:00:00-05:00\"")).isEqualTo("2021-12-31");
        assertThat(mapValue(mapping, "\"2022-01-01T00:30:00.123Z\"")).isEqualTo("2022-01-01");
        assertThat(failure(mapping, "\"31/12/2021\""))
                .isEqualTo("field 'value' -> DAY: not a date (expected yyyy-MM-dd, optionally with time and offset)");
        assertThat(failure(mapping, "\"2021-02-30\"")).startsWith("field 'value' -> DAY: not a date");
        assertThat(failure(mapping, "1640995200")).startsWith("field 'value' -> DAY: not a date");
    }

    @Test
    void e164FormatsPhoneNumbersInTheDefaultRegion() throws Exception {
        String mapping = "{to: SMS, transform: e164}";
        assertThat(mapValue(mapping, "\"555-555-5555\"")).isEqualTo("+15555555555");
        assertThat(mapValue(mapping, "\"(613) 555-0199\"")).isEqualTo("+16135550199");
        assertThat(mapValue(mapping, "\"+44 20 7946 0958\"")).isEqualTo("+442079460958");
        assertThat(failure(mapping, "\"call me\""))
                .isEqualTo("field 'value' -> SMS: not a valid phone number for region CA");
        assertThat(failure(mapping, "\"12\""))
                .isEqualTo("field 'value' -> SMS: not a valid phone number for region CA");
    }

    @Test
    void lowerAndTrimApplyInOrder() throws Exception {
        assertThat(mapValue("{to: LABEL, transform: [trim, lower]}", "\"  MiXed Case \"")).isEqualTo("mixed case");
        assertThat(mapValue("{to: LABEL, transform: lower}", "\"ABC\"")).isEqualTo("abc");
        assertThat(mapValue("{to: LABEL, transform: trim}", "\"  abc  \"")).isEqualTo("abc");
    }

    @Test
    void joinMakesTextOfAList() throws Exception {
        assertThat(mapValue("{to: LABEL, transform: join}", "[\"vip\", \"newsletter\", 3, null]"))
                .isEqualTo("vip, newsletter, 3");
        assertThat(mapValue("{to: LABEL, transform: join, separator: \";\"}", "[\"vip\", \"newsletter\"]"))
                .isEqualTo("vip;newsletter");
        assertThat(mapValue("{to: LABEL, transform: join}", "\"vip, newsletter\"")).isEqualTo("vip, newsletter");
        assertThat(mapValue("{to: LABEL, transform: join}", "[]")).isNull();
        assertThat(failure("{to: LABEL, transform: join}", "[{\"name\": \"vip\"}]"))
                .isEqualTo("field 'value' -> LABEL: an object cannot be sent as text (map one of its fields)");
    }

    @Test
    void defaultStandsInForAMissingOrNullSource() throws Exception {
        assertThat(mapValue("{to: LABEL, transform: default, default: unknown}", "null")).isEqualTo("unknown");
        assertThat(mapValue("{to: LABEL, transform: default, default: unknown}", "\"given\"")).isEqualTo("given");
        assertThat(mapValue("{to: FLAG, transform: boolean, default: false}", "null")).isEqualTo(false);
        assertThat(mapValue("{to: AMOUNT, default: 0}", "null")).isEqualTo(BigDecimal.ZERO);
        assertThat(mapRecord("{to: LABEL, default: unknown}", "{\"email\": \"a@b.co\"}"))
                .containsExactly(entry("LABEL", "unknown"));
    }

    @Test
    void constIgnoresTheSource() throws Exception {
        assertThat(mapRecord("{to: LABEL, transform: const, value: shopify}", "{\"email\": \"a@b.co\"}"))
                .containsExactly(entry("LABEL", "shopify"));
        assertThat(mapValue("{to: LABEL, transform: const, value: shopify}", "\"other\"")).isEqualTo("shopify");
        assertThat(mapValue("{to: AMOUNT, transform: const, value: 1.50}", "null")).isEqualTo(new BigDecimal("1.5"));
        assertThat(mapValue("{to: FLAG, transform: const, value: true}", "null")).isEqualTo(true);
    }

    @Test
    void coercesRawValuesToTheDeclaredType() throws Exception {
        assertThat(mapValue("AMOUNT", "\"12.50\"")).isEqualTo(new BigDecimal("12.5"));
        assertThat(mapValue("AMOUNT", "706405506930370084")).isEqualTo(new BigDecimal("706405506930370084"));
        assertThat(mapValue("LABEL", "42")).isEqualTo("42");
        assertThat(mapValue("LABEL", "12.5")).isEqualTo("12.5");
        assertThat(mapValue("LABEL", "true")).isEqualTo("true");
        assertThat(mapValue("DAY", "\"2021-12-31T19:00:00-05:00\"")).isEqualTo("2021-12-31");
        assertThat(mapValue("FLAG", "\"yes\"")).isEqualTo(true);
        assertThat(mapValue("{to: AMOUNT, transform: integer}", "\"3\"")).isEqualTo(3L);
        assertThat(failure("AMOUNT", "\"a lot\"")).isEqualTo("field 'value' -> AMOUNT: not a number");
        assertThat(failure("LABEL", "[\"a\"]"))
                .isEqualTo("field 'value' -> LABEL: a list cannot be sent as text (use transform join)");
    }

    @Test
    void neverSendsNullOrBlankValues() throws Exception {
        assertThat(mapValue("LABEL", "null")).isNull();
        assertThat(mapValue("LABEL", "\"\"")).isNull();
        assertThat(mapValue("LABEL", "\"   \"")).isNull();
        assertThat(mapValue("{to: SMS, transform: e164}", "\"\"")).isNull();
        assertThat(mapRecord("LABEL", "{\"email\": \"a@b.co\"}")).isEmpty();
    }

    @Test
    void readsNestedPathsAndArrayIndexes() throws Exception {
        String record = "{\"email\": \"a@b.co\", \"orders\": [{\"lines\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}]}]}";
        assertThat(mapRecord("{from: 'orders[0].lines[1].sku', to: LABEL}", record)).containsExactly(entry("LABEL", "B"));
        assertThat(mapRecord("{from: 'orders[1].lines[0].sku', to: LABEL}", record)).isEmpty();
        assertThat(mapRecord("{from: email.domain, to: LABEL}", record)).isEmpty();
    }

    @Test
    void normalisesTheEmailAndRequiresOne() throws Exception {
        ResourceMapping mapping = resourceWith("{to: LABEL}");
        assertThat(mapping.map(json.readTree("{\"email\": \"  Bob@Biller.COM \"}")).email())
                .isEqualTo("bob@biller.com");
        assertThatThrownBy(() -> mapping.map(json.readTree("{\"value\": \"x\"}")))
                .isInstanceOf(MappingException.class)
                .hasMessage("no email: the record has none after mapping");
        assertThatThrownBy(() -> mapping.map(json.readTree("{\"email\": \" \"}")))
                .isInstanceOf(MappingException.class)
                .hasMessage("no email: the record has none after mapping");
    }

    @Test
    void failureMessagesNeverQuoteThePersonalValue() throws Exception {
        ResourceMapping mapping = resourceWith("{to: SMS, transform: e164}");
        assertThatThrownBy(() -> mapping.map(json.readTree("{\"email\": \"bob@biller.com\", \"value\": \"555-12 (Bob)\"}")))
                .isInstanceOf(MappingException.class)
                .hasMessage("field 'value' -> SMS: not a valid phone number for region CA")
                .message().doesNotContainIgnoringCase("bob").doesNotContain("555");
    }

    private ResourceMapping shopifyCustomers() throws IOException {
        Files.writeString(dir.resolve("shopify.yaml"), SHOPIFY_MAPPING);
        return Mappings.load(dir, TYPES, "CA").resource("shopify", "customers");
    }

    /** A mapping of {@code email} and of the field {@code value} as written in {@code valueMapping}. */
    private ResourceMapping resourceWith(String valueMapping) throws IOException {
        Files.writeString(dir.resolve("test.yaml"), """
                records:
                  field_mapping:
                    email: email
                    value: %s
                """.formatted(valueMapping));
        return Mappings.load(dir, TYPES, "CA").resource("test", "records");
    }

    private Map<String, Object> mapRecord(String valueMapping, String record) throws Exception {
        return resourceWith(valueMapping).map(json.readTree(record)).attributes();
    }

    /** The one attribute sent for {@code {"value": <valueJson>}}, or null when none is. */
    private Object mapValue(String valueMapping, String valueJson) throws Exception {
        Map<String, Object> attributes = mapRecord(valueMapping, "{\"email\": \"a@b.co\", \"value\": " + valueJson + "}");
        assertThat(attributes).hasSizeLessThanOrEqualTo(1);
        return attributes.values().stream().findFirst().orElse(null);
    }

    private String failure(String valueMapping, String valueJson) throws IOException {
        ResourceMapping mapping = resourceWith(valueMapping);
        JsonNode record = json.readTree("{\"email\": \"a@b.co\", \"value\": " + valueJson + "}");
        return catchThrowableOfType(MappingException.class, () -> mapping.map(record))
                .getMessage();
    }
}
