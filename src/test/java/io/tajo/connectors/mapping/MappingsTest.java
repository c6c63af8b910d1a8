package io.tajo.connectors.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingsTest {
    static final BrevoAttributeTypes TYPES = BrevoAttributeTypes.parse("FIRSTNAME:text, TOTAL_SPENT:float");

    @TempDir
    Path dir;

    @BeforeEach
    void writeMappings() throws IOException {
        Files.writeString(dir.resolve("shopify.yaml"), """
                customers:
                  list_id: 7
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME
                """);
        Files.writeString(dir.resolve("hubspot.yaml"), """
                contacts:
                  field_mapping:
                    properties.email: email
                """);
        Files.writeString(dir.resolve("README.md"), "not a mapping file");
    }

    @Test
    void loadsEveryYamlFileAsAConnector() {
        Mappings mappings = Mappings.load(dir, TYPES, "US");

        assertThat(mappings.connectors()).containsExactly("hubspot", "shopify");
        assertThat(mappings.resource("shopify", "customers").settings()).containsEntry("list_id", 7);
    }

    @Test
    void aMissingSectionNamesFileAndSection() {
        Mappings mappings = Mappings.load(dir, TYPES, "US");

        assertThatThrownBy(() -> mappings.resource("shopify", "orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no section 'orders' in " + dir.resolve("shopify.yaml"));
        assertThatThrownBy(() -> mappings.resource("stripe", "customers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no section 'customers': there is no " + dir.resolve("stripe.yaml"));
    }

    @Test
    void aDefinitionErrorStopsTheLoadWithFileAndLine() throws IOException {
        Files.writeString(dir.resolve("shopify.yaml"), """
                customers:
                  field_mapping:
                    email: email
                    total_spent: {to: TOTAL_SPENT, transform: lower}
                    first_name: {to: FIRSTNAME, transform: shout}
                """);

        assertThatThrownBy(() -> Mappings.load(dir, TYPES, "US"))
                .isInstanceOf(MappingFileException.class)
                .hasMessage(dir.resolve("shopify.yaml")
                        + ":4: field 'total_spent' -> TOTAL_SPENT: transform lower sends text, TOTAL_SPENT is float");
    }

    @Test
    void aYamlSyntaxErrorStopsTheLoadWithFileAndLine() throws IOException {
        Files.writeString(dir.resolve("hubspot.yaml"), """
                contacts:
                  field_mapping:
                    email: [email
                """);

        assertThatThrownBy(() -> Mappings.load(dir, TYPES, "US"))
                .isInstanceOf(MappingFileException.class)
                .hasMessageStartingWith(dir.resolve("hubspot.yaml") + ":4: invalid YAML: ");
    }

    @Test
    void rejectsAnUnknownPhoneRegion() {
        assertThatThrownBy(() -> Mappings.load(dir, TYPES, "XX"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'XX'");
    }
}
