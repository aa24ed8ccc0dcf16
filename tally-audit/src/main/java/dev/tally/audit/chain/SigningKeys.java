package dev.tally.audit.chain;

import dev.tally.audit.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The instance's Ed25519 key pair, which signs checkpoints and retention anchors.
 *
 * <p>On disk, in the data directory: {@code signing.key} holds the PKCS#8 private key as one
 * line of base64 (never readable by others, never logged); {@code signing.pub} holds the X.509
 * public key as one line of base64 and is what an auditor is given. Both are created with mode
 * 0600 in a directory created 0700 (files of an older version are narrowed to 0600 on load). The key id is the first 16 hex digits of SHA-256 over the public key's
 * X.509 bytes. Thread-safe: each signature uses its own {@link Signature}.
 */
public final class SigningKeys {

    public static final String PRIVATE_FILE = "signing.key";
    public static final String PUBLIC_FILE = "signing.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey);
    }

    /** Loads the pair from {@code dataDir}, creating it (0600) on first use. */
    public static SigningKeys loadOrCreate(Path dataDir) throws IOException {
        return loadOrCreateFile(dataDir.resolve(PRIVATE_FILE));
    }

    /**
     * Loads the pair from {@code privateFile} (which may live outside the data directory, e.g. a
     * mounted secret) and the public key beside it ({@value #PUBLIC_FILE} in the same directory),
     * creating both on first use.
     */
    public static SigningKeys loadOrCreateFile(Path privateFile) throws IOException {
        Path dir = privateFile.toAbsolutePath().getParent();
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (Files.exists(privateFile)) {
                if (!Files.exists(publicFile)) {
                    throw new IOException("signing key " + privateFile + " has no public key beside it (expected: "
                            + publicFile + ")");
                }
                return loadFiles(privateFile, publicFile);
            }
            PrivateFiles.createDirectories(dir);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Path tmp = privateFile.resolveSibling(privateFile.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            PrivateFiles.ensureFile(tmp);
            Files.writeString(tmp, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
            PrivateFiles.ensureFile(publicFile);
            Files.writeString(publicFile, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
            Files.move(tmp, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new SigningKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("signing key " + privateFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the pair from {@code privateFile} and {@code publicFile}, narrowing both to 0600.
     *
     * @throws IOException when a file cannot be read or parsed, or the public key is not the
     *     private key's (a swapped {@code signing.pub} would register a key that verifies nothing)
     */
    public static SigningKeys loadFiles(Path privateFile, Path publicFile) throws IOException {
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateFiles.restrict(privateFile);
            PrivateFiles.restrict(publicFile);
            byte[] privateBytes = Base64.getDecoder().decode(Files.readString(privateFile).strip());
            byte[] publicBytes = Base64.getDecoder().decode(Files.readString(publicFile).strip());
            SigningKeys keys = new SigningKeys(factory.generatePrivate(new PKCS8EncodedKeySpec(privateBytes)),
                    factory.generatePublic(new X509EncodedKeySpec(publicBytes)));
            SignedHead probe = keys.sign(SignedHead.Purpose.CHECKPOINT, "key-pair-check", 1, "00", Instant.EPOCH);
            if (!verify(probe, keys.publicKey)) {
                throw new IOException("signing key " + privateFile + " and public key " + publicFile
                        + " are not one key pair (expected: the public key of the private key)");
            }
            return keys;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("signing key " + privateFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A fresh Ed25519 pair, on no disk yet (see {@link #writeTo}). */
    public static SigningKeys generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SigningKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 key generation failed", e);
        }
    }

    /**
     * Writes the pair as {@link #loadFiles} reads it, both files 0600 and fsynced, replacing what
     * is there.
     */
    public void writeTo(Path privateFile, Path publicFile) throws IOException {
        write(privateFile, Base64.getEncoder().encodeToString(privateKey.getEncoded()) + "\n");
        write(publicFile, publicKeyBase64() + "\n");
    }

    private static void write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        PrivateFiles.ensureFile(file);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    /** Reads a public key exported as one line of base64 X.509. */
    public static PublicKey parsePublicKey(String base64) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("public key: not a base64 X.509 Ed25519 key (" + e.getMessage() + ")", e);
        }
    }

    /** The key id of a public key: 16 hex digits of SHA-256 over its X.509 bytes. */
    public static String keyIdOf(PublicKey key) {
        return HexFormat.of().formatHex(EntryHasher.sha256().digest(key.getEncoded())).substring(0, 16);
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The public key as one line of base64 X.509, as in {@code signing.pub}. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** Signs a statement about {@code chain} at {@code seq}. */
    public SignedHead sign(SignedHead.Purpose purpose, String chain, long seq, String hash, Instant at) {
        Instant ms = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(SignedHead.signedBytes(purpose, chain, seq, hash, ms));
            String signature = Base64.getEncoder().encodeToString(signer.sign());
            return new SignedHead(purpose, chain, seq, hash, ms, keyId, signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * Signs {@code draft} (its key id and signature are ignored): returns it with this key's id
     * and an Ed25519 signature over its {@link SignedHead#signedBytes()}.
     */
    public SignedHead sign(SignedHead draft) {
        SignedHead unsigned = draft.withSignature(keyId, null);
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(unsigned.signedBytes());
            return unsigned.withSignature(keyId, Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code head}'s signature is valid under {@code key}. */
    public static boolean verify(SignedHead head, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(head.signedBytes());
            return verifier.verify(Base64.getDecoder().decode(head.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
