package dev.tally.gateway.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each built-in rule, its near misses, and configured patterns. */
class RedactorTest {

    private final Redactor redactor = new Redactor(List.of("INV-\\d{6}"));

    @Test
    void emails_are_redacted() {
        assertThat(redactor.redact("to a.b+c@mail.example.co.uk.")).isEqualTo("to [REDACTED:email].");
    }

    @Test
    void phone_numbers_written_as_phone_numbers_are_redacted_but_bare_numbers_and_dates_are_not() {
        assertThat(redactor.redact("call +44 20 7946 0958 or (415) 555-0134 or 555.123.4567"))
                .isEqualTo("call [REDACTED:phone] or ([REDACTED:phone] or [REDACTED:phone]");
        assertThat(redactor.redact("\"created\":1700000000, on 2026-03-01, 42 tokens"))
                .isEqualTo("\"created\":1700000000, on 2026-03-01, 42 tokens");
    }

    @Test
    void card_numbers_passing_luhn_are_redacted_other_long_numbers_are_not() {
        assertThat(redactor.redact("card 4111-1111-1111-1111 and 5500 0000 0000 0004"))
                .isEqualTo("card [REDACTED:card] and [REDACTED:card]");
        assertThat(Redactor.isCard("4111111111111112")).isFalse();
        assertThat(Redactor.isCard("4111111111111111")).isTrue();
    }

    @Test
    void bearer_tokens_and_key_shaped_strings_are_redacted() {
        assertThat(redactor.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"))
                .isEqualTo("Authorization: [REDACTED:bearer]");
        assertThat(redactor.redact("sk-proj-abcdEFGH1234 sk-ant-api03-abcdEFGH tk-9f8e7d6c5b4a tadm-0123456789 AKIAIOSFODNN7EXAMPLE"))
                .isEqualTo("[REDACTED:api_key] [REDACTED:api_key] [REDACTED:api_key] [REDACTED:api_key] [REDACTED:api_key]");
        assertThat(redactor.redact("task-list and sk-short")).isEqualTo("task-list and sk-short");
    }

    @Test
    void configured_patterns_are_redacted_after_the_built_in_rules() {
        assertThat(redactor.redact("invoice INV-123456 for x@y.io")).isEqualTo("invoice [REDACTED:pattern] for [REDACTED:email]");
    }
}
