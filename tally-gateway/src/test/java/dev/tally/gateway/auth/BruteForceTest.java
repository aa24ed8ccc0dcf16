package dev.tally.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.KeySecrets;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BruteForceTest {

    private static final String SECRET = "tk-AAAAAAAAAAbbbbbbbbbbCCCCCCCCCCdddddddddd123";
    private static final String GUESS = "tk-GGGGGGGGGGbbbbbbbbbbCCCCCCCCCCdddddddddd123";

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final VirtualKey key = new VirtualKey("key-1", "ci-bot", KeySecrets.hash(SECRET), KeySecrets.prefix(SECRET),
            null, null, null, null, null, null, true, null, null, Instant.parse("2026-11-01T00:00:00Z"), null);

    private KeyAuthenticator authenticator(BruteForcePolicy policy) {
        return new KeyAuthenticator(h -> h.equals(key.secretHash()) ? Optional.of(key) : Optional.empty(), clock,
                policy, sleeper);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void afterFiveFreeFailuresEachFailureWaitsTwiceAsLongUpToTheCap() {
        KeyAuthenticator auth = authenticator(BruteForcePolicy.DEFAULT);

        for (int i = 0; i < 12; i++) {
            auth.authenticate(GUESS, "203.0.113.9");
        }

        assertThat(sleeper.delays()).containsExactly(ms(250), ms(500), ms(1000), ms(2000), ms(4000), ms(8000),
                ms(8000));
    }

    @Test
    void everyKindOfDenialCounts() {
        KeyAuthenticator auth = authenticator(BruteForcePolicy.DEFAULT);

        for (int i = 0; i < 3; i++) {
            auth.authenticate(null, "203.0.113.9");
            auth.authenticate("garbage", "203.0.113.9");
        }

        assertThat(sleeper.delays()).containsExactly(ms(250));
    }

    @Test
    void successesAreNeverDelayedNorResetTheCount() {
        KeyAuthenticator auth = authenticator(BruteForcePolicy.DEFAULT);
        for (int i = 0; i < 6; i++) {
            auth.authenticate(GUESS, "203.0.113.9");
        }

        assertThat(auth.authenticate(SECRET, "203.0.113.9")).isInstanceOf(AuthOutcome.Allowed.class);
        auth.authenticate(GUESS, "203.0.113.9");

        assertThat(sleeper.delays()).containsExactly(ms(250), ms(500));
    }

    @Test
    void addressesAreCountedSeparately() {
        KeyAuthenticator auth = authenticator(BruteForcePolicy.DEFAULT);

        for (int i = 0; i < 5; i++) {
            auth.authenticate(GUESS, "203.0.113.9");
            auth.authenticate(GUESS, "198.51.100.7");
        }

        assertThat(sleeper.delays()).isEmpty();
    }

    @Test
    void theCountStartsAgainWhenTheWindowEnds() {
        KeyAuthenticator auth = authenticator(BruteForcePolicy.DEFAULT);
        for (int i = 0; i < 7; i++) {
            auth.authenticate(GUESS, "203.0.113.9");
        }
        clock.advance(Duration.ofSeconds(59));
        auth.authenticate(GUESS, "203.0.113.9");
        assertThat(sleeper.delays()).containsExactly(ms(250), ms(500), ms(1000));

        clock.advance(Duration.ofSeconds(1)); // the window began at the first failure, 60 s ago
        auth.authenticate(GUESS, "203.0.113.9");

        assertThat(sleeper.delays()).hasSize(3);
    }

    @Test
    void sprayingManyAddressesKeepsMemoryBoundedAndIsSlowedDownAsOne() {
        BruteForcePolicy policy = new BruteForcePolicy(2, Duration.ofMinutes(1), ms(100), ms(1000), 50);
        KeyAuthenticator auth = authenticator(policy);

        for (int i = 0; i < 10_000; i++) {
            auth.authenticate(GUESS, "10.0." + (i / 256) + "." + (i % 256));
        }

        assertThat(auth.trackedIps()).isEqualTo(50);
        // The first 50 addresses failed once each (free); the other 9,950 share one overflow window.
        assertThat(sleeper.delays()).hasSize(9_950 - 2);
        assertThat(sleeper.delays().getLast()).isEqualTo(ms(1000));
    }

    @Test
    void concurrentSprayingStaysBounded() throws Exception {
        BruteForcePolicy policy = new BruteForcePolicy(2, Duration.ofMinutes(1), ms(100), ms(1000), 100);
        KeyAuthenticator auth = authenticator(policy);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    auth.authenticate(GUESS, "10." + thread + "." + (i / 256) + "." + (i % 256));
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }

        // At most one address more per concurrent caller than the bound, whatever the interleaving.
        assertThat(auth.trackedIps()).isBetween(100, 100 + threads.length);
        assertThat(sleeper.delays()).hasSizeGreaterThan(15_000);
    }

    @Test
    void endedWindowsAreSweptToMakeRoomForNewAddresses() {
        BruteForcePolicy policy = new BruteForcePolicy(0, Duration.ofMinutes(1), ms(100), ms(1000), 3);
        KeyAuthenticator auth = authenticator(policy);
        for (int i = 0; i < 3; i++) {
            auth.authenticate(GUESS, "10.0.0." + i);
        }
        clock.advance(Duration.ofMinutes(1));

        auth.authenticate(GUESS, "10.0.1.1");

        assertThat(auth.trackedIps()).isEqualTo(1);
        assertThat(sleeper.delays()).containsOnly(ms(100)); // a first failure each, own window each
    }

    @Test
    void interruptedWaitStillDeniesAndKeepsTheInterruptFlag() {
        KeyAuthenticator auth = new KeyAuthenticator(h -> Optional.empty(), clock,
                new BruteForcePolicy(0, Duration.ofMinutes(1), ms(100), ms(1000), 10), d -> {
                    throw new InterruptedException();
                });

        assertThat(auth.authenticate(GUESS, "10.0.0.1")).isInstanceOf(AuthOutcome.Denied.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void policyRejectsNonsenseWithTheExpectation() {
        assertThatThrownBy(() -> new BruteForcePolicy(-1, Duration.ofMinutes(1), ms(100), ms(1000), 10))
                .hasMessage("free_failures: -1 (expected: 0..1000)");
        assertThatThrownBy(() -> new BruteForcePolicy(5, Duration.ofMinutes(1), ms(2000), ms(1000), 10))
                .hasMessage("base_delay: 2000ms (expected: 1..1000 ms, at most max_delay)");
        assertThatThrownBy(() -> new BruteForcePolicy(5, Duration.ofMinutes(1), ms(100), ms(1000), 0))
                .hasMessage("max_tracked_ips: 0 (expected: 1..10000000)");
    }
}
