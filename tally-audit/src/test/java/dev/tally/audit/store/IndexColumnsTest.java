package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.recorder.Entries;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexColumnsTest {

    private static final IndexColumns BASE =
            new IndexColumns("id", "call", 5L, "key", "model", "provider", "success", "user", null);

    @Test
    void equalColumnsAreEqualWithTheSameHash() {
        IndexColumns same = new IndexColumns("id", "call", 5L, "key", "model", "provider", "success", "user", null);

        assertThat(same).isEqualTo(BASE).hasSameHashCodeAs(BASE);
    }

    @Test
    void aDifferenceInAnyOneColumnMakesThemDiffer() {
        List<IndexColumns> oneDifferent = List.of(
                new IndexColumns("id2", "call", 5L, "key", "model", "provider", "success", "user", null),
                new IndexColumns("id", "admin", 5L, "key", "model", "provider", "success", "user", null),
                new IndexColumns("id", "call", 6L, "key", "model", "provider", "success", "user", null),
                new IndexColumns("id", "call", 5L, null, "model", "provider", "success", "user", null),
                new IndexColumns("id", "call", 5L, "key", "model2", "provider", "success", "user", null),
                new IndexColumns("id", "call", 5L, "key", "model", "provider2", "success", "user", null),
                new IndexColumns("id", "call", 5L, "key", "model", "provider", "error", "user", null),
                new IndexColumns("id", "call", 5L, "key", "model", "provider", "success", "user2", null),
                new IndexColumns("id", "call", 5L, "key", "model", "provider", "success", "user", "key_created"));

        for (IndexColumns different : oneDifferent) {
            assertThat(different).isNotEqualTo(BASE);
            assertThat(BASE).isNotEqualTo(different);
        }
        assertThat(BASE).isNotEqualTo(null).isNotEqualTo("id");
    }

    @Test
    void theTsColumnAloneIsTheOneOfAllColumns() {
        Entries entries = new Entries(Clock.fixed(Instant.parse("2026-03-01T12:00:00.123Z"), ZoneOffset.UTC), 7);
        for (AuditEntry entry : List.of(entries.call(), entries.security(),
                entries.admin(AdminEventType.KEY_CREATED, "key-a"))) {
            assertThat(IndexColumns.ts(entry)).isEqualTo(IndexColumns.of(entry).ts()).isPositive();
        }
    }
}
