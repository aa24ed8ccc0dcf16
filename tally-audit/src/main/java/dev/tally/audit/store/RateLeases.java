package dev.tally.audit.store;

/**
 * Per-minute rate budgets shared by every gateway instance of one store: a token bucket per
 * virtual key and limit, kept in the store, from which an instance leases slices of units in
 * one round trip and then spends them in memory. The store role behind fleet-wide
 * {@code requests_per_minute} and {@code tokens_per_minute}; the gateway's limiter decides when
 * to lease and how much (docs/deployment.md, "Rate limits").
 *
 * <p>Implementations are thread-safe; {@link #lease} is atomic against every other instance.
 */
public interface RateLeases {

    /** The requests-per-minute bucket of a key. */
    String REQUESTS = "requests";
    /** The tokens-per-minute bucket of a key. */
    String TOKENS = "tokens";

    /**
     * Refills the shared bucket of {@code keyId}'s {@code limitName} at {@code perMinute} units
     * per minute up to {@code perMinute} (a bucket used for the first time starts full), then
     * takes up to {@code units} from what is there and returns how many it took (0 when the
     * bucket is empty). Blocking: one statement against the store.
     *
     * @param limitName {@link #REQUESTS} or {@link #TOKENS}
     * @param perMinute the key's current limit, at least 1
     * @param units how many to take, at least 1
     * @param nowMillis the caller's clock; a clock behind the bucket's last refill adds nothing
     * @throws StoreException when the store cannot be reached
     * @throws IllegalArgumentException for a bad limit name, limit or unit count
     */
    long lease(String keyId, String limitName, long perMinute, long units, long nowMillis);
}
