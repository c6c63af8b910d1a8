package io.tajo.connectors.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrevoAttributeTypesTest {

    @Test
    void parsesEveryTypeAndToleratesWhitespace() {
        BrevoAttributeTypes types = BrevoAttributeTypes.parse(
                " FIRSTNAME:text , TOTAL_SPENT : float,LAST_ORDER_DATE:date,\n OPT_IN:boolean ");

        assertThat(types.typeOf("FIRSTNAME")).contains(AttributeType.TEXT);
        assertThat(types.typeOf("TOTAL_SPENT")).contains(AttributeType.FLOAT);
        assertThat(types.typeOf("LAST_ORDER_DATE")).contains(AttributeType.DATE);
        assertThat(types.typeOf("OPT_IN")).contains(AttributeType.BOOLEAN);
        assertThat(types.typeOf("LASTNAME")).isEmpty();
    }

    @Test
    void anEmptyDeclarationDeclaresNothing() {
        assertThat(BrevoAttributeTypes.parse("").typeOf("FIRSTNAME")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FIRSTNAME", "FIRSTNAME:int", ":text", "FIRSTNAME:"})
    void rejectsABadEntryByName(String entry) {
        assertThatThrownBy(() -> BrevoAttributeTypes.parse("LASTNAME:text, " + entry + ", SMS:text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad entry '" + entry + "' in tajo.brevo.attribute-types");
    }
}
