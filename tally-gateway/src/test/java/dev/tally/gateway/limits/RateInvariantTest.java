package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The request limit holds over any arrival pattern and under concurrent callers. */
class RateInvariantTest {

    private static VirtualKey key(long rpm) {
        return new VirtualKey("key-1", "ci-bot", "h", "tk-abcdefg", null, rpm, null, null, null, null, true, null,
                null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    @Test
    void admittedRequestsNeverExceedTheBurstPlusWhatTheElapsedTimeRefilled() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            long rpm = 1 + random.nextInt(300);
            MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
            KeyLimiter limiter = new KeyLimiter((k, s) -> 0L, clock, Duration.ofSeconds(5));
            VirtualKey key = key(rpm);
            long elapsedMillis = 0;
            long admitted = 0;
            for (int step = 0; step < 2_000; step++) {
                long advance = random.nextInt(4) == 0 ? random.nextInt(5_000) : random.nextInt(50);
                clock.advance(Duration.ofMillis(advance));
                elapsedMillis += advance;
                int attempts = 1 + random.nextInt(5);
                for (int i = 0; i < attempts; i++) {
                    if (limiter.admit(key, "m", 0) instanceof Admission.Admitted) {
                        admitted++;
                    }
                }
                long bound = rpm + rpm * elapsedMillis / 60_000;
                assertThat(admitted).as("seed %d rpm %d after %d ms", seed, rpm, elapsedMillis)
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void underSaturatingDemandTheLimitIsReachedExactly() {
        MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
        KeyLimiter limiter = new KeyLimiter((k, s) -> 0L, clock, Duration.ofSeconds(5));
        VirtualKey key = key(120);
        long admitted = 0;
        for (int second = 0; second < 600; second++) {
            for (int i = 0; i < 10; i++) {
                if (limiter.admit(key, "m", 0) instanceof Admission.Admitted) {
                    admitted++;
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        // 120 at once, then 2 a second for the 599 seconds that passed between the first and last attempts.
        assertThat(admitted).isEqualTo(120 + 2 * 599);
    }

    @Test
    void concurrentCallersGetExactlyTheLimitBetweenThem() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
        KeyLimiter limiter = new KeyLimiter((k, s) -> 0L, clock, Duration.ofSeconds(5));
        VirtualKey key = key(1_000);
        AtomicInteger admitted = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (limiter.admit(key, "m", 0) instanceof Admission.Admitted) {
                            admitted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(admitted.get()).isEqualTo(1_000);
    }
}
