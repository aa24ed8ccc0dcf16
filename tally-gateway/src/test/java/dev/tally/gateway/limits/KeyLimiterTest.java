package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLimiterTest {

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final KeyLimiter limiter = new KeyLimiter((keyId, since) -> 0L, clock, Duration.ofSeconds(5));

    static VirtualKey key(List<String> models, Long rpm, Long tpm) {
        return new VirtualKey("key-1", "ci-bot", "h", "tk-abcdefg", models, rpm, tpm, null, null, null, true, null,
                null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void aKeyWithoutLimitsIsAlwaysAdmitted() {
        VirtualKey key = key(List.of(), null, null);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.admit(key, "gpt-4o", 1_000_000)).isInstanceOf(Admission.Admitted.class);
        }
    }

    @Test
    void aModelOutsideTheScopeIsA403ScopeViolation() {
        VirtualKey key = key(List.of("gpt-4o-mini", "text-embedding-3-small"), null, null);

        assertThat(limiter.admit(key, "gpt-4o-mini", 10)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(key, "gpt-4o", 10)).isEqualTo(new Admission.Refused(
                SecurityEventType.SCOPE_VIOLATION, 403, "model_not_allowed",
                "model 'gpt-4o' is not allowed for key 'ci-bot' (allowed_models: gpt-4o-mini, text-embedding-3-small)",
                null));
    }

    @Test
    void sixtyRequestsPerMinuteAdmitsSixtyThenOneASecond() {
        VirtualKey key = key(List.of(), 60L, null);
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.admit(key, "m", 0)).as("request %d", i + 1).isInstanceOf(Admission.Admitted.class);
        }

        assertThat(limiter.admit(key, "m", 0)).isEqualTo(new Admission.Refused(SecurityEventType.RATE_LIMITED, 429,
                "rate_limit_exceeded", "requests_per_minute: limit 60 reached (retry after 1s)", Duration.ofSeconds(1)));

        clock.advance(Duration.ofMillis(999));
        assertThat(limiter.admit(key, "m", 0)).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.admit(key, "m", 0)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(key, "m", 0)).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        VirtualKey key = key(List.of(), 7L, null); // one request refills every 8,571.4 ms
        for (int i = 0; i < 7; i++) {
            limiter.admit(key, "m", 0);
        }

        assertThat(limiter.admit(key, "m", 0)).isInstanceOfSatisfying(Admission.Refused.class, r -> {
            assertThat(r.message()).isEqualTo("requests_per_minute: limit 7 reached (retry after 9s)");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(9));
        });
    }

    @Test
    void tokensPerMinuteChargesSettledTokensAndRefusesWhileInDebt() {
        VirtualKey key = key(List.of(), null, 1000L);

        assertThat(limiter.admit(key, "m", 100)).isInstanceOf(Admission.Admitted.class);
        limiter.settle(key, 900, null);
        assertThat(limiter.admit(key, "m", 100)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(key, "m", 101)).isEqualTo(new Admission.Refused(SecurityEventType.RATE_LIMITED, 429,
                "rate_limit_exceeded", "tokens_per_minute: limit 1000 reached (retry after 1s)", Duration.ofSeconds(1)));

        limiter.settle(key, 200, null); // 1,100 used of 1,000: 100 in debt
        // 101 tokens missing at 1,000 per minute: 6,060 ms, so 7 s
        assertThat(limiter.admit(key, "m", 0)).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.message()).isEqualTo("tokens_per_minute: limit 1000 reached (retry after 7s)"));

        clock.advance(Duration.ofMillis(6_060));
        assertThat(limiter.admit(key, "m", 0)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aRequestLargerThanTheTokenLimitIsRefusedWithoutRetry() {
        VirtualKey key = key(List.of(), null, 1000L);

        assertThat(limiter.admit(key, "m", 1500)).isEqualTo(new Admission.Refused(SecurityEventType.RATE_LIMITED, 429,
                "rate_limit_exceeded", "tokens_per_minute: limit 1000 is below the about 1500 input tokens of this request",
                null));
    }

    @Test
    void aRefusalConsumesNothing() {
        VirtualKey key = key(List.of(), 2L, 1000L);
        limiter.settle(key, 1000, null); // tokens used up

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(key, "m", 10)).extracting("message").asString().startsWith("tokens_per_minute");
        }
        clock.advance(Duration.ofSeconds(60));

        assertThat(limiter.admit(key, "m", 10)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(key, "m", 10)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(key, "m", 10)).extracting("message").asString().startsWith("requests_per_minute");
    }

    @Test
    void aLowerLimitAfterAnUpdateAppliesAtOnce() {
        for (int i = 0; i < 10; i++) {
            limiter.admit(key(List.of(), 100L, null), "m", 0);
        }

        VirtualKey lowered = key(List.of(), 5L, null);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(lowered, "m", 0)).isInstanceOf(Admission.Admitted.class);
        }
        assertThat(limiter.admit(lowered, "m", 0)).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        VirtualKey a = key(List.of(), 1L, null);
        VirtualKey b = new VirtualKey("key-2", "other", "h2", "tk-hijklmn", null, 1L, null, null, null, null, true,
                null, null, Instant.parse("2026-11-01T00:00:00Z"), null);

        assertThat(limiter.admit(a, "m", 0)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(b, "m", 0)).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(a, "m", 0)).isInstanceOf(Admission.Refused.class);
    }
}
