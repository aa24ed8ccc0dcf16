package dev.tally.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.KeySecrets;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class KeyAuthenticatorTest {

    private static final String SECRET = "tk-AAAAAAAAAAbbbbbbbbbbCCCCCCCCCCdddddddddd123";
    private static final String OTHER = "tk-ZZZZZZZZZZbbbbbbbbbbCCCCCCCCCCdddddddddd123";

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final Map<String, VirtualKey> keysByHash = new ConcurrentHashMap<>();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final KeyAuthenticator auth = new KeyAuthenticator(
            hash -> Optional.ofNullable(keysByHash.get(hash)), clock, BruteForcePolicy.DEFAULT, sleeper);

    private VirtualKey store(boolean enabled, Instant expiresAt, Instant revokedAt) {
        VirtualKey key = new VirtualKey("key-1", "ci-bot", KeySecrets.hash(SECRET), KeySecrets.prefix(SECRET),
                null, null, null, null, null, expiresAt, enabled, null, null, Instant.parse("2026-11-01T00:00:00Z"),
                revokedAt);
        keysByHash.put(key.secretHash(), key);
        return key;
    }

    @Test
    void validKeyIsAllowed() {
        VirtualKey key = store(true, null, null);

        assertThat(auth.authenticate(SECRET, "10.0.0.1")).isEqualTo(new AuthOutcome.Allowed(key));
    }

    @Test
    void missingKeyIsAnAuthFailureWithoutPrefix() {
        assertThat(auth.authenticate(null, "10.0.0.1")).isInstanceOfSatisfying(AuthOutcome.Denied.class, d -> {
            assertThat(d.type()).isEqualTo(SecurityEventType.AUTH_FAILURE);
            assertThat(d.code()).isEqualTo("missing_api_key");
            assertThat(d.keyPrefix()).isNull();
            assertThat(d.keyId()).isNull();
        });
        assertThat(auth.authenticate("  ", "10.0.0.1")).extracting("code").isEqualTo("missing_api_key");
    }

    @Test
    void unknownKeyIsAnAuthFailureWithItsPrefixOnly() {
        store(true, null, null);

        AuthOutcome outcome = auth.authenticate(OTHER, "10.0.0.1");

        assertThat(outcome).isEqualTo(new AuthOutcome.Denied(SecurityEventType.AUTH_FAILURE, "invalid_api_key",
                "invalid API key tk-ZZZZZZZ...: no such key", "tk-ZZZZZZZ", null));
    }

    @Test
    void somethingNotShapedLikeAVirtualKeyIsNeverEchoed() {
        String providerKey = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";

        AuthOutcome outcome = auth.authenticate(providerKey, "10.0.0.1");

        assertThat(outcome).isInstanceOfSatisfying(AuthOutcome.Denied.class, d -> {
            assertThat(d.type()).isEqualTo(SecurityEventType.AUTH_FAILURE);
            assertThat(d.code()).isEqualTo("invalid_api_key");
            assertThat(d.keyPrefix()).isNull();
            assertThat(d.message()).doesNotContain("sk-proj");
        });
    }

    @Test
    void expiredKeyIsAuthExpiredFromItsExpiryInstantOn() {
        store(true, Instant.parse("2026-11-23T10:00:01Z"), null);
        assertThat(auth.authenticate(SECRET, "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);

        clock.advance(Duration.ofSeconds(1));

        assertThat(auth.authenticate(SECRET, "10.0.0.1")).isEqualTo(new AuthOutcome.Denied(
                SecurityEventType.AUTH_EXPIRED, "key_expired", "API key tk-AAAAAAA... expired at 2026-11-23T10:00:01Z",
                "tk-AAAAAAA", "key-1"));
    }

    @Test
    void disabledKeyIsAuthDisabled() {
        store(false, null, null);

        assertThat(auth.authenticate(SECRET, "10.0.0.1")).isEqualTo(new AuthOutcome.Denied(
                SecurityEventType.AUTH_DISABLED, "key_disabled", "API key tk-AAAAAAA... is disabled", "tk-AAAAAAA",
                "key-1"));
    }

    @Test
    void revokedKeyIsAuthDisabledEvenWhenAlsoExpired() {
        store(true, Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));

        assertThat(auth.authenticate(SECRET, "10.0.0.1")).isEqualTo(new AuthOutcome.Denied(
                SecurityEventType.AUTH_DISABLED, "key_revoked", "API key tk-AAAAAAA... was revoked at 2026-11-21T00:00:00Z",
                "tk-AAAAAAA", "key-1"));
    }

    @Test
    void aStoreThatMatchesLooselyIsCaughtByTheHashComparison() {
        VirtualKey key = store(true, null, null);
        KeyAuthenticator loose = new KeyAuthenticator(hash -> Optional.of(key), clock, BruteForcePolicy.DEFAULT,
                sleeper);

        assertThat(loose.authenticate(OTHER, "10.0.0.1")).extracting("code").isEqualTo("invalid_api_key");
    }

    @Test
    void messagesNeverContainTheSecret() {
        store(true, Instant.parse("2026-11-20T00:00:00Z"), null);

        assertThat(auth.authenticate(SECRET, "10.0.0.1").toString()).doesNotContain(SECRET);
        assertThat(auth.authenticate(OTHER, "10.0.0.1").toString()).doesNotContain(OTHER);
    }
}
