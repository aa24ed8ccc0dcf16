package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.verify.Verifier;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyServiceTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00.123Z");
    private StoreFixture fx;
    private KeyAuthenticator auth;

    @BeforeEach
    void open() {
        fx = new StoreFixture(dir, clock);
        auth = new KeyAuthenticator(fx.keys, clock, BruteForcePolicy.DEFAULT, d -> { });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static KeySettings ciBot() {
        return KeySettings.named("ci-bot")
                .withAllowedModels(List.of("gpt-4o-mini"))
                .withRequestsPerMinute(60L)
                .withTokensPerMinute(100_000L)
                .withBudget(25_000_000L, BudgetPeriod.MONTH)
                .withExpiresAt(Instant.parse("2027-01-01T00:00:00Z"))
                .withPayloadPolicy("hash")
                .withTags(Map.of("team", "search"));
    }

    @Test
    void aCreatedKeyIsStoredByHashAndAuthenticatesWithItsSecret() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");

        VirtualKey key = created.key();
        assertThat(key.secretHash()).isEqualTo(KeySecrets.hash(created.secret()));
        assertThat(key.prefix()).isEqualTo(created.secret().substring(0, 10));
        assertThat(key.createdAt()).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z"));
        assertThat(fx.store.key(key.id())).contains(key);
        assertThat(fx.store.keyByName("ci-bot")).contains(key);
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).isEqualTo(new AuthOutcome.Allowed(key));
        assertThat(created.toString()).doesNotContain(created.secret());
    }

    @Test
    void creatingWritesKeyCreatedWithTheSettingsButNoSecret() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");

        AdminEvent event = fx.adminEvents().getLast();
        assertThat(event.type()).isEqualTo(AdminEventType.KEY_CREATED);
        assertThat(event.actor()).isEqualTo("test");
        assertThat(event.target()).isEqualTo(created.key().id());
        assertThat(event.before()).isEmpty();
        assertThat(event.after()).containsEntry("id", created.key().id())
                .containsEntry("prefix", created.key().prefix())
                .containsEntry("name", "ci-bot")
                .containsEntry("allowed_models", "gpt-4o-mini")
                .containsEntry("requests_per_minute", "60")
                .containsEntry("budget_micros", "25000000")
                .containsEntry("budget_period", "month")
                .containsEntry("tag:team", "search");
        assertThat(event.toString()).doesNotContain(created.secret(), created.key().secretHash());
    }

    @Test
    void aTakenNameFailsAndWritesNothing() throws Exception {
        fx.keys.create(ciBot(), "test");
        int events = fx.adminEvents().size();

        assertThatThrownBy(() -> fx.keys.create(KeySettings.named("ci-bot"), "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: 'ci-bot' (expected: a name no other key has)");
        assertThat(fx.store.keys()).hasSize(1);
        assertThat(fx.adminEvents()).hasSize(events);
    }

    @Test
    void aNameTakenByAnotherWriterIsRefusedByTheStoreAndTheLogStillVerifies() throws Exception {
        fx.keys.create(KeySettings.named("ci-bot"), "test");
        VirtualKey duplicate = new VirtualKey("0192f0a0-0000-7000-8000-000000000001", "ci-bot",
                KeySecrets.hash("tk-other"), "tk-other00", null, null, null, null, null, null, true, null, null,
                clock.instant(), null);
        AdminEvent event = new AdminEvent("0192f0a0-0000-7000-8000-000000000002", clock.instant(),
                AdminEventType.KEY_CREATED, "cli", duplicate.id(), Map.of(), Map.of("name", "ci-bot"), "created");

        assertThatThrownBy(() -> fx.recorder.commitChange(new AdminChange.CreateKey(duplicate), event))
                .isInstanceOf(IllegalArgumentException.class);

        fx.keys.create(KeySettings.named("next"), "test");
        assertThat(fx.adminEvents()).extracting(AdminEvent::target).doesNotContain(duplicate.id());
        assertThat(new Verifier(fx.store).verify().ok()).isTrue();
    }

    @Test
    void anExpiryInThePastIsRefusedAtCreation() {
        assertThatThrownBy(() -> fx.keys.create(KeySettings.named("k").withExpiresAt(clock.instant()), "test"))
                .hasMessage("expires_at: 2026-11-23T10:00:00.123Z (expected: a time after now, 2026-11-23T10:00:00.123Z)");
    }

    @Test
    void updatingWritesOnlyTheChangedSettingsAndTakesEffectAtOnceHere() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");
        auth.authenticate(created.secret(), "10.0.0.1"); // now cached

        VirtualKey updated = fx.keys.update("ci-bot",
                s -> s.withRequestsPerMinute(120L).withBudget(null, null).withEnabled(false), "admin-api");

        assertThat(fx.store.key(created.key().id())).contains(updated);
        AdminEvent event = fx.adminEvents().getLast();
        assertThat(event.type()).isEqualTo(AdminEventType.KEY_UPDATED);
        assertThat(event.before()).containsExactlyInAnyOrderEntriesOf(Map.of("requests_per_minute", "60",
                "budget_micros", "25000000", "budget_period", "month", "enabled", "true"));
        assertThat(event.after()).containsExactlyInAnyOrderEntriesOf(Map.of("requests_per_minute", "120",
                "budget_micros", "none", "budget_period", "none", "enabled", "false"));
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).extracting("code").isEqualTo("key_disabled");
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");
        int events = fx.adminEvents().size();

        assertThat(fx.keys.update(created.key().id(), s -> s.withRequestsPerMinute(60L), "test"))
                .isEqualTo(created.key());
        assertThat(fx.adminEvents()).hasSize(events);
    }

    @Test
    void renamingToATakenNameFails() throws Exception {
        fx.keys.create(ciBot(), "test");
        fx.keys.create(KeySettings.named("other"), "test");

        assertThatThrownBy(() -> fx.keys.update("other", s -> s.withName("ci-bot"), "test"))
                .hasMessage("name: 'ci-bot' (expected: a name no other key has)");
    }

    @Test
    void revokingTakesEffectAtOnceAndIsFinal() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);

        VirtualKey revoked = fx.keys.revoke("ci-bot", "test");

        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
        assertThat(fx.store.key(created.key().id())).contains(revoked);
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).extracting("code").isEqualTo("key_revoked");
        AdminEvent event = fx.adminEvents().getLast();
        assertThat(event.type()).isEqualTo(AdminEventType.KEY_REVOKED);
        assertThat(event.target()).isEqualTo(created.key().id());
        assertThat(event.after()).containsEntry("revoked_at", "2026-11-23T10:00:00.123Z");
        assertThatThrownBy(() -> fx.keys.revoke("ci-bot", "test")).hasMessageContaining("is already revoked");
        assertThatThrownBy(() -> fx.keys.update("ci-bot", s -> s.withEnabled(true), "test"))
                .hasMessageContaining("was revoked at");
    }

    @Test
    void aRevokeMadeElsewhereTakesEffectWithinTheCacheBound() throws Exception {
        CreatedKey created = fx.keys.create(ciBot(), "test");
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);

        fx.service(Duration.ZERO).revoke(created.key().id(), "cli"); // like 'tally keys revoke' next to the gateway

        clock.advance(Duration.ofMillis(999));
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(auth.authenticate(created.secret(), "10.0.0.1")).extracting("code").isEqualTo("key_revoked");
    }

    @Test
    void unknownKeysAreReportedByIdOrName() {
        assertThatThrownBy(() -> fx.keys.revoke("nope", "test")).isInstanceOf(UnknownKeyException.class)
                .hasMessage("key: 'nope' (expected: the id or name of an existing key)");
        assertThatThrownBy(() -> fx.keys.update("nope", s -> s, "test")).isInstanceOf(UnknownKeyException.class);
    }

    @Test
    void listReturnsEveryKeyRevokedOnesIncluded() throws Exception {
        fx.keys.create(KeySettings.named("a"), "test");
        clock.advance(Duration.ofSeconds(1));
        fx.keys.create(KeySettings.named("b"), "test");
        fx.keys.revoke("a", "test");

        assertThat(fx.keys.list()).extracting(VirtualKey::name).containsExactly("a", "b");
    }
}
