package io.tajo.connectors.brevo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The quick reading of the usual version form gives what the general ISO-8601 parser gives, and leaves it the rest. */
class BrevoCommandVersionTest {

    private static Long versionOf(String text) {
        return new BrevoCommand("upsertContact", "a@example.com", null, "test", "customers/1", TextNode.valueOf(text), null)
                .versionMillis();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-05T08:00:00Z", "2026-01-05T08:00:00.1Z", "2026-01-05T08:00:00.123Z",
        "2026-01-05T08:00:00.123456789Z", "2026-01-05T08:00:00-05:00", "2026-01-05T08:00:00.5+05:30", "1969-12-31T23:59:59.500Z",
        "2024-02-29T23:59:59+14:00", "2026-01-05T08:00:00+18:00"})
    void theUsualFormReadsAsTheIsoParserReadsIt(String text) {
        long expected = OffsetDateTime.parse(text).toInstant().toEpochMilli();
        assertThat(BrevoCommand.usualIsoMillis(text)).isEqualTo(expected);
        assertThat(versionOf(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-05T08:00Z", "2026-01-05t08:00:00z", "2026-01-05T08:00:00.Z", "2026-01-05T08:00:00.1234567890Z",
        "2026-02-30T08:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T08:00:60Z", "2026-01-05T08:00:00+19:00", "2026-01-05T08:00:00",
        "2026-01-05T08:00:00+0500", "２026-01-05T08:00:00Z"})
    void everyOtherFormIsLeftToTheIsoParser(String text) {
        assertThat(BrevoCommand.usualIsoMillis(text)).isNull();
    }

    @Test
    void whatTheIsoParserReadsStillCountsAndWhatItRefusesIsInvalid() {
        assertThat(versionOf("2026-01-05T08:00Z")).isEqualTo(OffsetDateTime.parse("2026-01-05T08:00Z").toInstant().toEpochMilli());
        assertThatThrownBy(() -> versionOf("2026-02-30T08:00:00Z")).isInstanceOf(InvalidCommandException.class);
    }
}
