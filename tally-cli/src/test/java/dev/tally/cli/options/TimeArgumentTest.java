package dev.tally.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {

    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void acceptsWhatTheAdminApiAcceptsAndWhatPeopleType() {
        assertThat(TimeArgument.parse("--since", "2026-03-02T10:00:00Z", NOW)).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(TimeArgument.parse("--since", "2026-03-02T10:00:00.250Z", NOW)).isEqualTo("2026-03-02T10:00:00.250Z");
        assertThat(TimeArgument.parse("--since", "1772445600000", NOW)).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(TimeArgument.parse("--since", "2026-03-02T11:00:00+01:00", NOW)).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(TimeArgument.parse("--since", "2026-03-02T10:00", NOW)).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(TimeArgument.parse("--since", "2026-03-02", NOW)).isEqualTo("2026-03-02T00:00:00Z");
        assertThat(TimeArgument.parse("--since", "2h", NOW)).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(TimeArgument.parse("--since", "7d", NOW)).isEqualTo("2026-02-23T12:00:00Z");
        assertThat(TimeArgument.parse("--since", "90s", NOW)).isEqualTo("2026-03-02T11:58:30Z");
    }

    @Test
    void rejectsAnythingElseNamingOptionValueAndForms() {
        assertThatThrownBy(() -> TimeArgument.parse("--until", "tomorrow", NOW))
                .hasMessage("--until: 'tomorrow' (expected: ISO-8601 like 2026-03-02T10:00:00Z, a date like 2026-03-02,"
                        + " epoch milliseconds, or an age like 15m, 2h, 7d)");
        assertThatThrownBy(() -> TimeArgument.parse("--since", "2026-13-01", NOW)).hasMessageStartingWith("--since: '2026-13-01'");
    }

    @Test
    void durationsArePositiveWithAUnit() {
        assertThat(TimeArgument.duration("--interval", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(TimeArgument.duration("--interval", "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> TimeArgument.duration("--interval", "0s"))
                .hasMessage("--interval: '0s' (expected: a positive number and a unit ms, s, m, h or d, e.g. 500ms, 2s, 15m)");
        assertThatThrownBy(() -> TimeArgument.duration("--window", "5")).hasMessageStartingWith("--window: '5'");
    }
}
