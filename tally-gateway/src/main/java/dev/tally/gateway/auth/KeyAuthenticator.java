package dev.tally.gateway.auth;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.KeyLookup;
import dev.tally.gateway.keys.KeySecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates virtual keys: hashes the presented secret, finds the key by that hash and
 * checks that it is usable now.
 *
 * <p>Outcomes: more than one key ({@link Credentials.Ambiguous}) → {@code auth_failure}/
 * {@code ambiguous_credentials}; no key → {@code auth_failure}/{@code missing_api_key}; anything not shaped like
 * a virtual key, or no key with that hash → {@code auth_failure}/{@code invalid_api_key};
 * revoked → {@code auth_disabled}/{@code key_revoked}; switched off →
 * {@code auth_disabled}/{@code key_disabled}; past its expiry → {@code auth_expired}/
 * {@code key_expired}. Denials carry the key's public prefix (only when the presented value
 * is shaped like a virtual key, so a provider key sent by mistake is never echoed) and, when
 * the key exists, its id. Messages never contain the secret.
 *
 * <p>The secret is never kept: only its hash is looked up, and the hash found is compared in
 * constant time. Every denial is counted against the client IP by a {@link FailureThrottle};
 * once an address is past its free failures, the answer to each further failure is held back
 * (exponentially, capped) by the injected {@link Sleeper}. Successful calls are never delayed.
 *
 * <p>Thread-safe. {@link #authenticate} blocks for the slowdown delay and, on a key cache
 * miss, for one store read; it throws {@link dev.tally.audit.store.StoreException} when the
 * store cannot be read (the caller answers 503).
 */
public final class KeyAuthenticator implements Authenticator {

    private static final String HOW_TO_SEND =
            "send a virtual key as 'Authorization: Bearer tk-...' or in the 'x-api-key' header";

    private final KeyLookup keys;
    private final Clock clock;
    private final FailureThrottle throttle;
    private final Sleeper sleeper;

    public KeyAuthenticator(KeyLookup keys, Clock clock, BruteForcePolicy policy, Sleeper sleeper) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.throttle = new FailureThrottle(policy, clock);
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    @Override
    public AuthOutcome authenticate(String presentedSecret, String clientIp) {
        return counted(decide(presentedSecret), clientIp);
    }

    @Override
    public AuthOutcome authenticateCredentials(Credentials presented, String clientIp) {
        AuthOutcome outcome = switch (presented) {
            case Credentials.Key key -> decide(key.secret());
            case Credentials.Absent ignored -> decide(null);
            case Credentials.Ambiguous ambiguous -> new AuthOutcome.Denied(SecurityEventType.AUTH_FAILURE,
                    ErrorCode.AMBIGUOUS_CREDENTIALS, "ambiguous credentials: " + ambiguous.message(), null, null);
        };
        return counted(outcome, clientIp);
    }

    private AuthOutcome counted(AuthOutcome outcome, String clientIp) {
        if (outcome instanceof AuthOutcome.Denied) {
            holdBack(throttle.recordFailure(clientIp));
        }
        return outcome;
    }

    /** Client IP addresses whose failures are being counted now. */
    public int trackedIps() {
        return throttle.trackedIps();
    }

    private AuthOutcome decide(String presented) {
        if (presented == null || presented.isBlank()) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_FAILURE, ErrorCode.MISSING_API_KEY,
                    "no API key: " + HOW_TO_SEND, null, null);
        }
        if (!KeySecrets.wellFormed(presented)) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_FAILURE, ErrorCode.INVALID_API_KEY,
                    "invalid API key: not a virtual key (" + HOW_TO_SEND + ")", null, null);
        }
        String prefix = KeySecrets.prefix(presented);
        String hash = KeySecrets.hash(presented);
        Optional<VirtualKey> found = keys.bySecretHash(hash);
        if (found.isEmpty() || !KeySecrets.sameHash(found.get().secretHash(), hash)) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_FAILURE, ErrorCode.INVALID_API_KEY,
                    "invalid API key " + prefix + "...: no such key", prefix, null);
        }
        VirtualKey key = found.get();
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_DISABLED, ErrorCode.KEY_REVOKED,
                    "API key " + key.prefix() + "... was revoked at " + key.revokedAt(), key.prefix(), key.id());
        }
        if (!key.enabled()) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_DISABLED, ErrorCode.KEY_DISABLED,
                    "API key " + key.prefix() + "... is disabled", key.prefix(), key.id());
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return new AuthOutcome.Denied(SecurityEventType.AUTH_EXPIRED, ErrorCode.KEY_EXPIRED,
                    "API key " + key.prefix() + "... expired at " + key.expiresAt(), key.prefix(), key.id());
        }
        return new AuthOutcome.Allowed(key);
    }

    private void holdBack(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            // The denial stands; the caller sees the interrupt flag (e.g. the server shutting down).
            Thread.currentThread().interrupt();
        }
    }
}
