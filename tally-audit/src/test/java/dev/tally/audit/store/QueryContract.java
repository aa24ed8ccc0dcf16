package dev.tally.audit.store;

import static dev.tally.audit.store.UsageSample.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Newest-first call and event pages: every filter, cursors, stability while records arrive. */
public abstract class QueryContract extends UsageContract {

    @Test
    void callsComeNewestFirstWithEveryFilter() {
        List<AuditEntry> sample = UsageSample.entries(entries);
        chain.append(sample.toArray(AuditEntry[]::new));
        String c1 = sample.get(0).id();
        String c2 = sample.get(2).id();
        String c3 = sample.get(3).id();
        String c4 = sample.get(4).id();
        String c5 = sample.get(6).id();
        String c6 = sample.get(7).id();

        assertThat(ids(CallQuery.all(100))).containsExactly(c6, c5, c4, c3, c2, c1);
        assertThat(ids(query(null, null, "k2", null, null, null, null, Map.of()))).containsExactly(c4, c3);
        assertThat(ids(query(null, null, null, "gpt-a", null, null, null, Map.of()))).containsExactly(c5, c2, c1);
        assertThat(ids(query(null, null, null, null, "anthropic", null, null, Map.of()))).containsExactly(c6, c4, c3);
        assertThat(ids(query(null, null, null, null, null, CallStatus.ERROR, null, Map.of()))).containsExactly(c2);
        assertThat(ids(query(null, null, null, null, null, null, "alice", Map.of()))).containsExactly(c6, c3, c1);
        assertThat(ids(query(null, null, null, null, null, null, null, Map.of("tier", "gold"))))
                .containsExactly(c5, c4, c1);
        assertThat(ids(query(null, null, null, null, null, null, null, Map.of("tier", "gold", "job", "nightly"))))
                .containsExactly(c5);
        assertThat(ids(query(null, null, null, null, null, null, null, Map.of("tier", "bronze")))).isEmpty();
        assertThat(ids(query(at(10, 40), at(12, 15), null, null, null, null, null, Map.of())))
                .as("since inclusive, until exclusive").containsExactly(c4, c3, c2);
        assertThat(ids(query(at(10, 0), null, "k1", "gpt-a", "openai", CallStatus.SUCCESS, "bob",
                Map.of("tier", "gold")))).containsExactly(c5);
    }

    @Test
    void pagesAreStableWhileNewRecordsArrive() {
        List<String> expected = new ArrayList<>();
        Instant base = at(10, 0);
        for (int i = 0; i < 25; i++) {
            // Pairs share a millisecond, so the tiebreak matters.
            CallRecord call = entries.call(base.plusSeconds(i / 2)).build();
            chain.append(call);
            expected.addFirst(call.id());
        }
        // Newest first with equal timestamps: later commit first.
        List<String> seen = new ArrayList<>();
        Page<ChainedEntry> page = store.calls(CallQuery.all(10));
        int pages = 0;
        while (true) {
            pages++;
            page.data().forEach(e -> seen.add(e.entry().id()));
            // Records arriving between pages: newer ones, and one older than everything seen so far.
            chain.append(entries.call(base.plusSeconds(3600 + pages)).build());
            if (page.nextCursor() == null) {
                break;
            }
            page = store.calls(CallQuery.all(10).after(page.nextCursor()));
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aLateRecordOlderThanTheCursorAppearsExactlyOnce() {
        for (int i = 0; i < 4; i++) {
            chain.append(entries.call(at(11, i)).build());
        }
        Page<ChainedEntry> first = store.calls(CallQuery.all(2));
        CallRecord late = entries.call(at(10, 30)).build();
        chain.append(late);
        Set<String> seen = new HashSet<>();
        first.data().forEach(e -> seen.add(e.entry().id()));
        Page<ChainedEntry> second = store.calls(CallQuery.all(2).after(first.nextCursor()));
        second.data().forEach(e -> assertThat(seen.add(e.entry().id())).isTrue());
        Page<ChainedEntry> third = store.calls(CallQuery.all(2).after(second.nextCursor()));
        assertThat(third.data()).extracting(e -> e.entry().id()).containsExactly(late.id());
        assertThat(third.nextCursor()).isNull();
    }

    @Test
    void aMalformedCursorIsRejectedWithTheValue() {
        for (String bad : List.of("nonsense!", "djE6eA", "", "djI6MTox")) {
            assertThatThrownBy(() -> store.calls(CallQuery.all(5).after(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cursor: '" + bad + "' (expected: a cursor returned by a previous page)");
        }
        assertThatThrownBy(() -> store.events(new EventQuery(null, null, null, 5, "%%%")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cursor: '%%%'");
    }

    @Test
    void eventsComeNewestFirstByType() {
        Instant t = at(10, 0);
        List<ChainedEntry> placed = chain.append(
                entries.security(t, SecurityEventType.AUTH_FAILURE),
                entries.call(t.plusSeconds(1)).build(),
                entries.security(t.plusSeconds(2), SecurityEventType.RATE_LIMITED),
                entries.admin(t.plusSeconds(3), AdminEventType.KEY_CREATED, "key-1"),
                entries.security(t.plusSeconds(4), SecurityEventType.AUTH_FAILURE));
        String fail1 = placed.get(0).entry().id();
        String limited = placed.get(2).entry().id();
        String created = placed.get(3).entry().id();
        String fail2 = placed.get(4).entry().id();

        assertThat(eventIds(new EventQuery(null, null, null, 100, null)))
                .containsExactly(fail2, created, limited, fail1);
        assertThat(eventIds(new EventQuery("auth_failure", null, null, 100, null))).containsExactly(fail2, fail1);
        assertThat(eventIds(new EventQuery("key_created", null, null, 100, null))).containsExactly(created);
        assertThat(eventIds(new EventQuery(null, t.plusSeconds(2), t.plusSeconds(4), 100, null)))
                .containsExactly(created, limited);

        Page<ChainedEntry> first = store.events(new EventQuery(null, null, null, 3, null));
        Page<ChainedEntry> second = store.events(new EventQuery(null, null, null, 3, first.nextCursor()));
        assertThat(second.data()).extracting(e -> e.entry().id()).containsExactly(fail1);
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void theLastFullPageHasNoCursor() {
        chain.append(entries.call(at(10, 1)).build(), entries.call(at(10, 2)).build());
        Page<ChainedEntry> page = store.calls(CallQuery.all(2));
        assertThat(page.data()).hasSize(2);
        assertThat(page.nextCursor()).isNull();
    }

    private List<String> ids(CallQuery query) {
        return store.calls(query).data().stream().map(e -> e.entry().id()).toList();
    }

    private List<String> eventIds(EventQuery query) {
        return store.events(query).data().stream().map(e -> e.entry().id()).toList();
    }

    private static CallQuery query(Instant since, Instant until, String key, String model, String provider,
            CallStatus status, String user, Map<String, String> tags) {
        return new CallQuery(since, until, key, model, provider, status, user, tags, 100, null);
    }
}
