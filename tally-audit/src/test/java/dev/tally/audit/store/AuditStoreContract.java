package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AuditStore} must have, written against the interface only. A store
 * implementation's test extends this class and implements {@link #newStore()}; the usage suite
 * ({@link UsageContract}), the query suite ({@link QueryContract}) and the payload suite
 * ({@link PayloadContract}) come with it.
 */
public abstract class AuditStoreContract extends PayloadContract {

    private static final Instant T = Entries.T0;

    @Test
    void anEmptyChainStartsAtGenesis() {
        assertThat(store.head("nobody")).isEqualTo(new ChainHead(0, EntryHasher.GENESIS));
        assertThat(store.chains()).isEmpty();
        assertThat(store.anchor("nobody")).isEmpty();
        assertThat(store.prunableThrough("nobody", T)).isEmpty();
    }

    @Test
    void committedEntriesReadBackByteForByte() {
        CallRecord call = entries.call(T).tag("tier", "gold").toolCalls(List.of("search")).build();
        List<ChainedEntry> committed = chain.append(call, entries.security(T.plusSeconds(1),
                SecurityEventType.RATE_LIMITED), entries.admin(T.plusSeconds(2), AdminEventType.CONFIG_CHANGED, "x"));

        assertThat(store.head(CHAIN)).isEqualTo(new ChainHead(3, committed.get(2).hash()));
        assertThat(store.chains()).containsExactly(CHAIN);
        for (ChainedEntry expected : committed) {
            ChainedEntry read = store.entry(expected.entry().id()).orElseThrow();
            assertThat(read).isEqualTo(expected);
            byte[] canonical = EntryHasher.canonicalBytes(expected.entry());
            assertThat(read.canonicalBytes()).isEqualTo(canonical);
            assertThat(EntryHasher.hash(CHAIN, read.seq(), read.prevHash(), read.canonicalBytes()))
                    .isEqualTo(expected.hash());
        }
        assertThat(store.entry("0190d3e2-0000-7000-8000-000000000000")).isEmpty();
    }

    @Test
    void priceChangingPartsRoundTripAndAreAbsentFromOlderShapedRecords() {
        CallRecord priced = entries.call(T).inputTokens(5_000L).cachedInputTokens(500L).cacheWriteTokens(3_000L)
                .cacheWrite1hTokens(2_000L).audioInputTokens(400L).imageInputTokens(600L).outputTokens(900L)
                .audioOutputTokens(300L).serviceTier("flex").pricedModel("gpt-4o-backup").build();
        CallRecord plain = entries.call(T.plusSeconds(1)).build();
        chain.append(priced, plain);

        CallRecord read = (CallRecord) store.entry(priced.id()).orElseThrow().entry();
        assertThat(read).isEqualTo(priced);
        assertThat(store.calls(dev.tally.audit.query.CallQuery.all(10)).data()).extracting(e -> e.entry()).contains(priced);
        String json = new String(EntryHasher.canonicalBytes(read), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"cache_write_1h_tokens\":2000", "\"audio_input_tokens\":400", "\"audio_output_tokens\":300",
                "\"image_input_tokens\":600", "\"service_tier\":\"flex\"", "\"priced_model\":\"gpt-4o-backup\"");
        // Unknown parts are absent (never 0), so a record without them has the bytes it always had.
        String older = new String(store.entry(plain.id()).orElseThrow().canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(older).doesNotContain("cache_write_1h_tokens", "audio_input_tokens", "audio_output_tokens", "image_input_tokens",
                "service_tier", "priced_model");
    }

    @Test
    void scanStreamsRowsInSeqOrderExactlyAsStored() {
        List<ChainedEntry> all = new ArrayList<>();
        all.addAll(chain.append(entries.call(T).build(), entries.call(T.minusSeconds(30)).build()));
        all.addAll(chain.append(entries.security(T.plusSeconds(5), SecurityEventType.AUTH_FAILURE)));
        new TestChain(store, "gw-2").append(entries.call(T).build());

        List<StoredRow> rows = new ArrayList<>();
        store.scan(CHAIN, rows::add);

        assertThat(rows).extracting(StoredRow::seq).containsExactly(1L, 2L, 3L);
        for (int i = 0; i < rows.size(); i++) {
            StoredRow row = rows.get(i);
            ChainedEntry expected = all.get(i);
            assertThat(row.chain()).isEqualTo(CHAIN);
            assertThat(row.prevHash()).isEqualTo(expected.prevHash());
            assertThat(row.hash()).isEqualTo(expected.hash());
            assertThat(row.body()).isEqualTo(EntryHasher.canonicalBytes(expected.entry()));
            assertThat(row.columns()).isEqualTo(IndexColumns.of(expected.entry()));
        }
        assertThat(store.chains()).containsExactly(CHAIN, "gw-2");
    }

    @Test
    void aBatchThatDoesNotContinueTheChainIsRejected() {
        chain.append(entries.call(T).build());
        List<ChainedEntry> gap = List.of(EntryHasher.chain(CHAIN, 3, store.head(CHAIN).hash(), entries.call(T).build()));
        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), gap, List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 3").hasMessageContaining("2");
        List<ChainedEntry> badLink = List.of(EntryHasher.chain(CHAIN, 2, EntryHasher.GENESIS, entries.call(T).build()));
        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), badLink, List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prev_hash");
        assertThat(store.head(CHAIN).seq()).isEqualTo(1);
    }

    @Test
    void aRejectedAdminChangeLeavesNothingOfTheBatch() {
        VirtualKey first = Entries.key("key-a", "team-a", T);
        chain.change(new AdminChange.CreateKey(first), entries.admin(T, AdminEventType.KEY_CREATED, "key-a"));
        ChainHead before = store.head(CHAIN);

        CallRecord opening = entries.call(T.plusSeconds(9)).build();
        List<ChainedEntry> placed = chain.place(List.of(entries.call(T.plusSeconds(1)).build(),
                entries.admin(T.plusSeconds(2), AdminEventType.KEY_CREATED, "key-b")));
        WriteBatch batch = new WriteBatch(CHAIN, List.of(new CallOpening(opening)), placed,
                List.of(new AdminChange.PutSetting("s", "v"),
                        new AdminChange.CreateKey(Entries.key("key-b", "team-a", T.plusSeconds(2)))),
                List.of(Entries.head(SignedHead.Purpose.CHECKPOINT, CHAIN, 3, placed.get(1).hash(), T)));

        assertThatThrownBy(() -> store.commit(batch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("team-a");

        assertThat(store.head(CHAIN)).isEqualTo(before);
        assertThat(store.entry(placed.getFirst().entry().id())).isEmpty();
        assertThat(store.openings(CHAIN)).isEmpty();
        assertThat(store.setting("s")).isEmpty();
        assertThat(store.key("key-b")).isEmpty();
        assertThat(store.checkpoints(CHAIN)).isEmpty();
        assertThat(store.usage(dev.tally.audit.query.UsageQuery.over(null, null, List.of())).summary().calls())
                .isZero();
    }

    @Test
    void openingsStayUntilTheirClosingRecord() {
        CallRecord a = entries.call(T).build();
        CallRecord b = entries.call(T.plusSeconds(1)).build();
        CallRecord c = entries.call(T.plusSeconds(2)).build();
        chain.open(new CallOpening(b), new CallOpening(a));
        assertThat(store.openings(CHAIN)).extracting(CallOpening::record).containsExactly(a, b);
        assertThat(store.openings("other")).isEmpty();

        chain.append(a.toBuilder().durationMs(999L).build());
        assertThat(store.openings(CHAIN)).extracting(CallOpening::id).containsExactly(b.id());

        // Opened and closed in one batch: no marker survives.
        List<ChainedEntry> closing = chain.place(List.of(c));
        store.commit(new WriteBatch(CHAIN, List.of(new CallOpening(c)), closing, List.of(), List.of()));
        assertThat(store.openings(CHAIN)).extracting(CallOpening::id).containsExactly(b.id());

        // Another chain's marker is its own; once this chain has none, closing records still work.
        CallRecord d = entries.call(T.plusSeconds(3)).build();
        store.commit(new WriteBatch("other", List.of(new CallOpening(d)), List.of(), List.of(), List.of()));
        chain.append(b.toBuilder().durationMs(5L).build());
        chain.append(entries.call(T.plusSeconds(4)).build());
        assertThat(store.openings(CHAIN)).isEmpty();
        assertThat(store.openings("other")).extracting(CallOpening::id).containsExactly(d.id());
    }

    @Test
    void checkpointsAndSigningKeysAreKept() {
        List<ChainedEntry> placed = chain.place(List.of(entries.call(T).build(), entries.call(T).build()));
        SignedHead one = Entries.head(SignedHead.Purpose.CHECKPOINT, CHAIN, 1, placed.get(0).hash(), T);
        SignedHead two = Entries.head(SignedHead.Purpose.CHECKPOINT, CHAIN, 2, placed.get(1).hash(), T.plusSeconds(1));
        store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), List.of(two, one)));
        store.registerSigningKey("0123456789abcdef", "MCowBQYDK2VwAyEA");
        store.registerSigningKey("0123456789abcdef", "MCowBQYDK2VwAyEA");

        assertThat(store.checkpoints(CHAIN)).containsExactly(one, two);
        assertThat(store.signingKeys()).containsExactly(java.util.Map.entry("0123456789abcdef", "MCowBQYDK2VwAyEA"));
    }

    @Test
    void aProbeWriteRegistersTheKeyLeavesNoScratchRowAndRefusesADifferentKey() {
        store.probeWrite("0123456789abcdef", "MCowBQYDK2VwAyEA");
        store.probeWrite("0123456789abcdef", "MCowBQYDK2VwAyEA");

        assertThat(store.signingKeys()).containsExactly(java.util.Map.entry("0123456789abcdef", "MCowBQYDK2VwAyEA"));
        assertThat(store.setting("_tally_write_probe")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.probeWrite("0123456789abcdef", "MCowBQYDK2VwAyEB"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.setting("_tally_write_probe")).isEmpty();
    }

    @Test
    void prunableThroughStopsAtTheFirstEntryNotBeforeTheCutOff() {
        // seq:   1      2       3      4
        // ts:  T+0   T+50s   T+10s  T+20s   -> before T+30s only seq 1 qualifies (seq 2 is later)
        List<ChainedEntry> placed = chain.append(entries.call(T).build(), entries.call(T.plusSeconds(50)).build(),
                entries.call(T.plusSeconds(10)).build(), entries.call(T.plusSeconds(20)).build());
        assertThat(store.prunableThrough(CHAIN, T.plusSeconds(30)))
                .contains(new ChainHead(1, placed.get(0).hash()));
        assertThat(store.prunableThrough(CHAIN, T.plusSeconds(51))).contains(new ChainHead(4, placed.get(3).hash()));
        assertThat(store.prunableThrough(CHAIN, T)).isEmpty();
    }

    @Test
    void pruneDeletesThroughTheAnchorAndKeepsRollups() {
        List<ChainedEntry> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.addAll(chain.append(entries.call(T.plus(Duration.ofMinutes(10L * i))).tag("n", "v" + i).build()));
        }
        ChainHead through = store.prunableThrough(CHAIN, T.plus(Duration.ofMinutes(25))).orElseThrow();
        assertThat(through.seq()).isEqualTo(3);
        List<ChainedEntry> checkpointed = List.of(placed.get(1), placed.get(2), placed.get(4));
        for (ChainedEntry e : checkpointed) {
            store.commit(new WriteBatch(CHAIN, List.of(), List.of(), List.of(),
                    List.of(Entries.head(SignedHead.Purpose.CHECKPOINT, CHAIN, e.seq(), e.hash(), T))));
        }
        SignedHead anchor = Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, through.seq(), through.hash(), T.plusSeconds(9));
        ChainedEntry event = chain.change(new AdminChange.Prune(anchor),
                entries.admin(T.plus(Duration.ofHours(2)), AdminEventType.RETENTION_RUN, CHAIN));

        List<StoredRow> rows = new ArrayList<>();
        store.scan(CHAIN, rows::add);
        assertThat(rows).extracting(StoredRow::seq).containsExactly(4L, 5L, 6L);
        assertThat(rows.getFirst().prevHash()).isEqualTo(anchor.hash());
        assertThat(store.anchor(CHAIN)).contains(anchor);
        assertThat(store.checkpoints(CHAIN)).extracting(SignedHead::seq).containsExactly(3L, 5L);
        assertThat(store.entry(placed.get(0).entry().id())).isEmpty();
        assertThat(store.head(CHAIN)).isEqualTo(new ChainHead(6, event.hash()));
        assertThat(store.calls(dev.tally.audit.query.CallQuery.all(10)).data()).hasSize(2);
        assertThat(store.calls(new dev.tally.audit.query.CallQuery(null, null, null, null, null, null, null,
                java.util.Map.of("n", "v1"), 10, null)).data()).isEmpty();
        assertThat(store.usage(dev.tally.audit.query.UsageQuery.over(T, T.plus(Duration.ofHours(1)), List.of()))
                .summary().calls()).as("rollups of whole hours outlive pruned rows").isEqualTo(5);
    }

    @Test
    void aFullyPrunedChainContinuesFromItsAnchor() {
        List<ChainedEntry> placed = chain.append(entries.call(T).build(), entries.call(T).build());
        SignedHead anchor = Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, 2, placed.get(1).hash(), T);
        store.commit(new WriteBatch(CHAIN, List.of(), List.of(), List.of(new AdminChange.Prune(anchor)), List.of()));

        assertThat(store.head(CHAIN)).isEqualTo(new ChainHead(2, placed.get(1).hash()));
        assertThat(store.chains()).containsExactly(CHAIN);
        ChainedEntry next = chain.append(entries.call(T.plusSeconds(1)).build()).getFirst();
        assertThat(next.seq()).isEqualTo(3);
        assertThat(next.prevHash()).isEqualTo(anchor.hash());
        SignedHead older = Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, 1, placed.get(0).hash(), T);
        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), List.of(),
                List.of(new AdminChange.Prune(older)), List.of()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreCreatedUpdatedRevokedAndFound() {
        VirtualKey a = Entries.key("key-a", "team-a", T);
        VirtualKey b = new VirtualKey("key-b", "team-b", Entries.secretHash("tk-b"), "tk-b0b0", List.of("gpt-a"), 60L,
                10_000L, 5_000_000L, VirtualKey.BudgetPeriod.MONTH, T.plus(Duration.ofDays(30)), true, "hash",
                java.util.Map.of("owner", "ops"), T.plusSeconds(1), null);
        chain.change(new AdminChange.CreateKey(b), entries.admin(T, AdminEventType.KEY_CREATED, "key-b"));
        chain.change(new AdminChange.CreateKey(a), entries.admin(T, AdminEventType.KEY_CREATED, "key-a"));

        assertThat(store.key("key-b")).contains(b);
        assertThat(store.keyByName("team-a")).contains(a);
        assertThat(store.keyBySecretHash(Entries.secretHash("tk-b"))).contains(b);
        assertThat(store.keys()).containsExactly(a, b);

        VirtualKey renamed = new VirtualKey("key-b", "team-b2", b.secretHash(), b.prefix(), List.of(), null, 500L, null,
                null, null, false, null, java.util.Map.of(), b.createdAt(), null);
        chain.change(new AdminChange.UpdateKey(renamed), entries.admin(T, AdminEventType.KEY_UPDATED, "key-b"));
        assertThat(store.key("key-b")).contains(renamed);
        assertThat(store.keyByName("team-b")).isEmpty();

        chain.change(new AdminChange.RevokeKey("key-a", T.plusSeconds(60)),
                entries.admin(T, AdminEventType.KEY_REVOKED, "key-a"));
        assertThat(store.key("key-a").orElseThrow().revokedAt()).isEqualTo(T.plusSeconds(60));
        assertThat(store.key("key-a").orElseThrow().usableAt(T.plusSeconds(61))).isFalse();
    }

    @Test
    void keyChangesThatBreakTheRulesAreRejected() {
        chain.change(new AdminChange.CreateKey(Entries.key("key-a", "team-a", T)),
                entries.admin(T, AdminEventType.KEY_CREATED, "key-a"));
        chain.change(new AdminChange.CreateKey(Entries.key("key-b", "team-b", T)),
                entries.admin(T, AdminEventType.KEY_CREATED, "key-b"));
        long seq = store.head(CHAIN).seq();

        assertRejected(new AdminChange.CreateKey(Entries.key("key-c", "team-a", T)), "team-a");
        assertRejected(new AdminChange.CreateKey(Entries.key("key-a", "team-z", T)), "key-a");
        assertRejected(new AdminChange.UpdateKey(Entries.key("key-zz", "team-q", T)), "key-zz");
        assertRejected(new AdminChange.UpdateKey(Entries.key("key-b", "team-a", T)), "team-a");
        assertRejected(new AdminChange.RevokeKey("key-zz", T), "key-zz");

        assertThat(store.head(CHAIN).seq()).isEqualTo(seq);
        assertThat(store.keys()).extracting(VirtualKey::name).containsExactly("team-a", "team-b");
    }

    @Test
    void settingsAreUpserted() {
        chain.change(new AdminChange.PutSetting("audit", "{\"payload\":\"none\"}"),
                entries.admin(T, AdminEventType.SETTING_CHANGED, "audit"));
        chain.change(new AdminChange.PutSetting("audit", "{\"payload\":\"full\"}"),
                entries.admin(T, AdminEventType.SETTING_CHANGED, "audit"));
        assertThat(store.setting("audit")).contains("{\"payload\":\"full\"}");
        assertThat(store.setting("missing")).isEmpty();
    }

    private void assertRejected(AdminChange change, String messagePart) {
        List<ChainedEntry> placed = chain.place(List.of(entries.admin(T, AdminEventType.KEY_UPDATED, "x")));
        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(change), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
    }
}
