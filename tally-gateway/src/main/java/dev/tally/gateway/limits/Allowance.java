package dev.tally.gateway.limits;

import java.time.Duration;

/**
 * One per-minute limit of one key (requests or tokens), as the {@link KeyLimiter} sees it: either
 * this instance's own bucket ({@link LocalAllowance}) or slices leased from a bucket the whole
 * fleet shares ({@link LeasedAllowance}).
 *
 * <p>Not thread-safe: the owner holds the key's lock around every call.
 */
sealed interface Allowance permits LocalAllowance, LeasedAllowance {

    /**
     * Null when {@code need} units are there now; otherwise how long until they may be. Takes
     * nothing. A leased allowance may wait, with the key's lock released, for a lease in flight.
     */
    Duration shortfall(long nowMillis, long limit, long need);

    /** Spends {@code units}, going into debt if needed (tokens reported after a call). */
    void take(long nowMillis, long limit, long units);
}
