package dev.tally.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Requests and tokens per minute shared by three limiters (instances) through one set of
 * shared buckets: the fleet admits the limit, give or take one slice per instance, with a lease
 * per slice rather than per call; an unreachable store hands the decision to each instance's
 * own bucket.
 */
class SharedRateLimitTest {

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final FleetBucket fleet = new FleetBucket();
    private final List<SharedRates> rates = new ArrayList<>();
    private final List<KeyLimiter> instances = new ArrayList<>();

    SharedRateLimitTest() {
        for (int i = 0; i < 3; i++) {
            SharedRates shared = new SharedRates(fleet, clock);
            rates.add(shared);
            instances.add(new KeyLimiter((keyId, since) -> 0L, clock, Duration.ofSeconds(5), Optional.of(shared)));
        }
    }

    private int admittedRoundRobin(VirtualKey key, int calls, long tokens) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            KeyLimiter instance = instances.get(i % instances.size());
            if (instance.admit(key, "m", tokens) instanceof Admission.Admitted) {
                admitted++;
                instance.settle(key, tokens, null);
            }
        }
        return admitted;
    }

    @Test
    void threeInstancesAdmitTheLimitWithinOneSlicePerInstance() {
        VirtualKey key = KeyLimiterTest.key(List.of(), 600L, null);
        long slice = SharedRates.sliceOf(600);
        assertThat(slice).isEqualTo(30);

        int admitted = admittedRoundRobin(key, 3_000, 0);

        // Alone, each instance would admit 600: 1,800 in all.
        assertThat(admitted).isBetween((int) (600 - 3 * slice), (int) (600 + 3 * slice));
        assertThat(fleet.leases()).as("leases: one per slice, not one per call").isLessThan(3_000 / 10);
    }

    @Test
    void theRefusalNamesTheLimitAndARetryAfter() {
        VirtualKey key = KeyLimiterTest.key(List.of(), 60L, null);
        admittedRoundRobin(key, 200, 0);
        Admission refused = instances.getFirst().admit(key, "m", 0);
        assertThat(refused).isInstanceOfSatisfying(Admission.Refused.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(429);
            assertThat(r.message()).startsWith("requests_per_minute: limit 60 reached (retry after ");
            assertThat(r.retryAfter()).isPositive();
        });
    }

    @Test
    void theSharedBucketRefillsAtTheLimitPerMinute() {
        VirtualKey key = KeyLimiterTest.key(List.of(), 600L, null);
        admittedRoundRobin(key, 3_000, 0);
        clock.advance(Duration.ofSeconds(30)); // 300 more for the fleet
        int admitted = admittedRoundRobin(key, 3_000, 0);
        assertThat(admitted).isBetween(300 - 3 * 30, 300 + 3 * 30);
    }

    @Test
    void tokensPerMinuteAreSharedToo() {
        VirtualKey key = KeyLimiterTest.key(List.of(), null, 10_000L);
        int admitted = admittedRoundRobin(key, 300, 100); // 100 tokens a call: 100 calls fit
        long slice = SharedRates.sliceOf(10_000); // 500 tokens: 5 calls per instance
        assertThat(admitted).isBetween(100 - (int) (3 * slice / 100) - 3, 100 + (int) (3 * slice / 100) + 3);
    }

    @Test
    void anUnreachableStoreLeavesEachInstanceItsOwnFullLimit() {
        fleet.down(true);
        VirtualKey key = KeyLimiterTest.key(List.of(), 60L, null);

        int admitted = admittedRoundRobin(key, 600, 0);

        assertThat(admitted).isEqualTo(3 * 60); // as without sharing: each instance its own 60
        assertThat(rates.stream().mapToLong(SharedRates::leaseFailures).sum()).isPositive();
        assertThat(rates.stream().mapToLong(SharedRates::localDecisions).sum()).isEqualTo(600);
    }

    @Test
    void sharingComesBackWhenTheStoreAnswersAgain() throws InterruptedException {
        VirtualKey key = KeyLimiterTest.key(List.of(), 60L, null);
        fleet.down(true);
        admittedRoundRobin(key, 30, 0);
        fleet.down(false);
        clock.advance(SharedRates.RETRY.plusMillis(1));
        // Each instance's next call probes the store in the background and is still decided locally;
        // once the probe's grant is handed over, leases decide again.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (int i = 0; i < instances.size(); i++) {
            long local;
            do {
                local = rates.get(i).localDecisions();
                instances.get(i).admit(key, "m", 0);
                Thread.sleep(5);
            } while (rates.get(i).localDecisions() > local && System.nanoTime() < deadline);
        }
        long before = rates.stream().mapToLong(SharedRates::localDecisions).sum();
        admittedRoundRobin(key, 30, 0);
        assertThat(rates.stream().mapToLong(SharedRates::localDecisions).sum()).isEqualTo(before);
    }
}
