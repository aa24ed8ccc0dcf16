package dev.tally.audit.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdSourceTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123Z");
    private static final Clock FIXED = Clock.fixed(AT, ZoneOffset.UTC);

    @Test
    void fast_ids_are_version_7_uuids_carrying_the_clock_millisecond() {
        String id = IdSource.fast(FIXED).next();
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(IdSource.millisOf(id)).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void within_one_millisecond_ids_strictly_increase() {
        IdSource ids = IdSource.fast(FIXED);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            made.add(ids.next());
        }
        assertThat(made).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
    }

    @Test
    void two_fast_sources_are_seeded_apart() {
        IdSource a = IdSource.fast(FIXED);
        IdSource b = IdSource.fast(FIXED);
        var seen = new HashSet<String>();
        for (int i = 0; i < 1_000; i++) {
            assertThat(seen.add(a.next())).isTrue();
            assertThat(seen.add(b.next())).isTrue();
        }
    }
}
