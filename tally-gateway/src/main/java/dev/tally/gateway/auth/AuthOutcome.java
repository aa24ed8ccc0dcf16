package dev.tally.gateway.auth;

import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.proxy.ErrorCode;

/** What authenticating a presented virtual key decided. */
public sealed interface AuthOutcome {

    /** The key is valid and usable now. */
    record Allowed(VirtualKey key) implements AuthOutcome {
    }

    /**
     * The call is rejected with 401 before anything else happens.
     *
     * @param type auth_failure (missing or unknown key), auth_expired or auth_disabled (also revoked)
     * @param code stable error code for the client, e.g. {@code invalid_api_key}
     * @param message safe, client-facing explanation; never contains the presented secret
     * @param keyPrefix public prefix of the presented key when it looked like one, else null
     * @param keyId the key's id when the key exists (expired/disabled), else null
     */
    record Denied(SecurityEventType type, String code, String message, String keyPrefix, String keyId)
            implements AuthOutcome {
        /** A denial with a catalogued code. */
        public Denied(SecurityEventType type, ErrorCode code, String message, String keyPrefix, String keyId) {
            this(type, code.code(), message, keyPrefix, keyId);
        }

        /** The catalogued code (every denial is a 401). */
        public ErrorCode errorCode() {
            return ErrorCode.of(code, 401);
        }
    }
}
