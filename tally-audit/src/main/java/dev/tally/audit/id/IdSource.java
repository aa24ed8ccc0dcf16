package dev.tally.audit.id;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Makes UUIDv7 ids (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort
 * by time and index appends stay at the right edge of a b-tree.
 *
 * <p>Time comes from an injected {@link Clock} and randomness from an injected generator so
 * tests are repeatable. Within one millisecond, ids from one source are strictly increasing
 * (the 12-bit {@code rand_a} field is a counter seeded randomly each millisecond, per RFC 9562
 * method 1). Thread-safe.
 */
public final class IdSource {

    private final Clock clock;
    private final RandomGenerator random;
    private long lastMillis = -1; // guarded by this
    private int counter; // guarded by this

    public IdSource(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    /** A source on the system clock with a secure random generator. */
    public static IdSource system() {
        return new IdSource(Clock.systemUTC(), new java.security.SecureRandom());
    }

    /**
     * A source on {@code clock} for ids made on every request: its random bits come from a fast
     * generator (L64X128MixRandom) seeded once from {@link java.security.SecureRandom}. Ids must be
     * unique and hard to guess in sequence, not secret, and a {@code SecureRandom} read per id
     * costs more than the rest of the id.
     */
    public static IdSource fast(Clock clock) {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        return new IdSource(clock, java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(seed));
    }

    /** A new id whose time part is the clock's current millisecond. */
    public String next() {
        return next(clock.millis());
    }

    /** A new id whose time part is {@code at}, e.g. for an imported record. */
    public String nextAt(Instant at) {
        return next(at.toEpochMilli());
    }

    private String next(long millis) {
        int seq;
        long randB;
        synchronized (this) {
            if (millis == lastMillis && counter < 0xFFF) {
                counter++;
            } else {
                lastMillis = millis;
                counter = random.nextInt(0x800);
            }
            seq = counter;
            randB = random.nextLong();
        }
        long msb = (millis << 16) | 0x7000L | seq;
        long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** The millisecond timestamp embedded in a UUIDv7 string. */
    public static long millisOf(String uuidV7) {
        return UUID.fromString(uuidV7).getMostSignificantBits() >>> 16;
    }
}
