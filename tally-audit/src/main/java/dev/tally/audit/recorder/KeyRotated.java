package dev.tally.audit.recorder;

import dev.tally.audit.chain.SignedHead;
import java.util.Optional;

/**
 * A signing key rotation that happened: the chain, the key that signed until now, the key that
 * signs from now on (its id and base64 X.509 public key, what an auditor pins next), and the head
 * signed by the old key that announces the new one ({@code next_key}); empty for a chain with no
 * entry yet, where nothing was signed to hand over.
 */
public record KeyRotated(String chain, String oldKeyId, String keyId, String publicKey,
        Optional<SignedHead> announcement) {
}
