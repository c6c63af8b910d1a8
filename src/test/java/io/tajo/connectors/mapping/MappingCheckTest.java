package io.tajo.connectors.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingCheckTest {
    static final BrevoAttributeTypes TYPES = BrevoAttributeTypes.parse("FIRSTNAME:text, SMS:text, CITY:text,"
            + " SOURCE:text, TOTAL_SPENT:float, ORDER_COUNT:float, SIGNUP_DATE:date, OPT_IN:boolean");

    @TempDir
    Path dir;

    @Test
    void aValidFileHasNoProblems() throws IOException {
        write("shopify.yaml", """
                customers:
                  list_id: 7
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME
                    total_spent: TOTAL_SPENT
                    orders_count: {to: ORDER_COUNT, transform: integer}
                    phone: {to: SMS, transform: e164}
                    city:
                      from: addresses[0].city
                      to: CITY
                      transform: [trim, lower]
                    accepts: {to: OPT_IN, transform: boolean, default: false}
                    marketing: {to: OPT_IN, default: false}
                    created_at: {to: SIGNUP_DATE, transform: [default, date], default: "2020-01-01"}
                    origin: {to: SOURCE, transform: const, value: shopify}
                    fixed_total: {to: TOTAL_SPENT, transform: const, value: 0}
                    launch: {to: SIGNUP_DATE, transform: const, value: "2021-12-31"}
                """);

        assertThat(check(Optional.empty())).isEmpty();
    }

    @Test
    void reportsAYamlSyntaxErrorWithTheParsersLine() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME: extra
                """);

        assertThat(check(Optional.empty())).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo(dir.resolve("shopify.yaml"));
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.field()).isNull();
            assertThat(problem.message()).isEqualTo("invalid YAML: mapping values are not allowed here");
        });
    }

    @Test
    void hintsToQuoteAnIndexedPathInsideBraces() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    city: {from: addresses[0].city, to: CITY}
                """);

        assertThat(check(Optional.empty())).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.message()).isEqualTo("invalid YAML: expected ',' or '}', but got ["
                    + "; inside {...} quote a path with an index: from: \"addresses[0].city\"");
        });
    }

    @Test
    void reportsASectionWithoutFieldMapping() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                orders:
                  list_id: 7
                """);

        assertThat(check(Optional.empty())).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.field()).isNull();
            assertThat(problem.toString()).isEqualTo(dir.resolve("shopify.yaml")
                    + ":4: section 'orders' has no field_mapping (a map of source fields to Brevo attributes)");
        });
    }

    @Test
    void reportsAValueThatIsNeitherAnAttributeNameNorAMap() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    total_spent: 5
                    tags: [TAGS]
                    note:
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(
                        tuple(4, "total_spent", "field 'total_spent': expected a Brevo attribute name or a map with 'to'"),
                        tuple(5, "tags", "field 'tags': expected a Brevo attribute name or a map with 'to'"),
                        tuple(6, "note", "field 'note': expected a Brevo attribute name or a map with 'to'"));
    }

    @Test
    void reportsALongFormWithoutTo() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    phone:
                      transform: e164
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(tuple(4, "phone", "field 'phone': the long form needs 'to' naming the Brevo attribute"));
    }

    @Test
    void reportsAnUnknownTransformOnItsLine() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    city:
                      to: CITY
                      transform:
                        - trim
                        - upper
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(tuple(8, "city", "field 'city' -> CITY: unknown transform 'upper' (expected one of"
                        + " number, integer, boolean, date, e164, lower, trim, join, default, const)"));
    }

    @Test
    void reportsConstWithoutValue() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    origin: {to: SOURCE, transform: const}
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(tuple(4, "origin", "field 'origin' -> SOURCE: transform const needs a 'value'"));
    }

    @Test
    void reportsAnUndeclaredAttribute() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    last_name: LASTNAME
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(tuple(4, "last_name", "field 'last_name' -> LASTNAME: LASTNAME is not declared;"
                        + " declare it in tajo.brevo.attribute-types, e.g. LASTNAME:text"));
    }

    @Test
    void reportsEveryTransformThatSendsTheWrongType() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    total_spent: {to: ORDER_COUNT, transform: lower}
                    orders_count: {to: FIRSTNAME, transform: integer}
                    accepts: {to: TOTAL_SPENT, transform: boolean}
                    created_at: {to: FIRSTNAME, transform: date}
                    phone: {to: OPT_IN, transform: e164}
                    tags: {to: SIGNUP_DATE, transform: join}
                    updated_at: {to: SIGNUP_DATE, transform: [date, trim]}
                    origin: {to: TOTAL_SPENT, transform: const, value: abc}
                    flag: {to: FIRSTNAME, transform: const, value: true}
                    day: {to: SIGNUP_DATE, transform: const, value: soon}
                    infinite: {to: TOTAL_SPENT, transform: const, value: .inf}
                """);

        List<MappingProblem> problems = check(Optional.empty());

        assertThat(problems).extracting(MappingProblem::line, MappingProblem::field).containsExactly(
                tuple(4, "total_spent"), tuple(5, "orders_count"), tuple(6, "accepts"), tuple(7, "created_at"),
                tuple(8, "phone"), tuple(9, "tags"), tuple(10, "updated_at"), tuple(11, "origin"), tuple(12, "flag"),
                tuple(13, "day"), tuple(14, "infinite"));
        assertThat(problems).extracting(MappingProblem::message).containsExactly(
                "field 'total_spent' -> ORDER_COUNT: transform lower sends text, ORDER_COUNT is float",
                "field 'orders_count' -> FIRSTNAME: transform integer sends float, FIRSTNAME is text",
                "field 'accepts' -> TOTAL_SPENT: transform boolean sends boolean, TOTAL_SPENT is float",
                "field 'created_at' -> FIRSTNAME: transform date sends date, FIRSTNAME is text",
                "field 'phone' -> OPT_IN: transform e164 sends text, OPT_IN is boolean",
                "field 'tags' -> SIGNUP_DATE: transform join sends text, SIGNUP_DATE is date",
                "field 'updated_at' -> SIGNUP_DATE: transform trim sends text, SIGNUP_DATE is date",
                "field 'origin' -> TOTAL_SPENT: transform const sends text, TOTAL_SPENT is float",
                "field 'flag' -> FIRSTNAME: transform const sends boolean, FIRSTNAME is text",
                "field 'day' -> SIGNUP_DATE: transform const sends text, SIGNUP_DATE is date",
                "field 'infinite' -> TOTAL_SPENT: transform const sends text, TOTAL_SPENT is float");
        assertThat(problems.get(0)).hasToString(dir.resolve("shopify.yaml")
                + ":4: field 'total_spent' -> ORDER_COUNT: transform lower sends text, ORDER_COUNT is float");
    }

    @Test
    void reportsUnknownLongFormKeysAndBadPaths() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    phone: {to: SMS, tranform: e164}
                    city: {from: "addresses[x].city", to: CITY}
                """);

        assertThat(check(Optional.empty()))
                .extracting(MappingProblem::line, MappingProblem::field, MappingProblem::message)
                .containsExactly(
                        tuple(4, "phone", "field 'phone': unknown key 'tranform'"
                                + " (expected one of default, from, separator, to, transform, value)"),
                        tuple(5, "city", "field 'city' -> CITY: invalid source path 'addresses[x].city'"
                                + " (expected names and indexes, e.g. addresses[0].city)"));
    }

    @Test
    void reportsEveryProblemOfEveryFile() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    email: email
                    last_name: LASTNAME
                orders:
                  list_id: 7
                """);
        write("stripe.yaml", """
                customers:
                  field_mapping:
                    email: email
                    balance: {to: TOTAL_SPENT, transform: lower}
                """);

        assertThat(check(Optional.empty()))
                .extracting(problem -> problem.file().getFileName().toString(), MappingProblem::line)
                .containsExactly(tuple("shopify.yaml", 4), tuple("shopify.yaml", 5), tuple("stripe.yaml", 4));
    }

    @Test
    void checksOnlyTheGivenConnector() throws IOException {
        write("shopify.yaml", """
                customers:
                  field_mapping:
                    last_name: LASTNAME
                """);
        write("stripe.yaml", """
                customers:
                  field_mapping:
                    balance: {to: TOTAL_SPENT, transform: lower}
                """);

        assertThat(check(Optional.of("stripe")))
                .extracting(problem -> problem.file().getFileName().toString(), MappingProblem::field)
                .containsExactly(tuple("stripe.yaml", "balance"));
        assertThatThrownBy(() -> check(Optional.of("hubspot")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no mapping file " + dir.resolve("hubspot.yaml"));
    }

    private void write(String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name), yaml);
    }

    private List<MappingProblem> check(Optional<String> connector) {
        return MappingCheck.check(dir, TYPES, connector);
    }
}
