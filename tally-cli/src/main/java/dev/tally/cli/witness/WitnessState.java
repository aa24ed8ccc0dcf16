package dev.tally.cli.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a witness remembers between polls, in its state file:
 * <pre>
 * {"checked_at":"2026-12-03T20:00:10.000Z","ok":true,"findings":[],
 *  "heads":[{…SignedHeadJson…}, …]}
 * </pre>
 * {@code heads} holds, per chain, the newest head that checked out (after a finding, the last good
 * one is kept, so the alarm repeats at every poll until someone looks); {@code findings} are those
 * of the last check ({@code chain}, {@code kind}, {@code message}). The file is a file of heads, so
 * {@code tally verify --since <state file>} reads it too; the gateway's dashboard reads it through
 * {@code audit.witness_state}.
 *
 * <p>Written atomically: a temporary file beside it (0600), fsynced, then renamed over it, so a
 * crash leaves the old state or the new one, never half of one. Immutable; thread-safe.
 *
 * @param heads the saved head of every chain, by chain
 * @param checkedAt when the last check ran; null before the first
 * @param findings what the last check found wrong
 */
public record WitnessState(Map<String, SignedHead> heads, Instant checkedAt, List<Finding> findings) {

    /** A state before the first check. */
    public static final WitnessState EMPTY = new WitnessState(Map.of(), null, List.of());

    public WitnessState {
        heads = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(heads));
        findings = List.copyOf(findings);
    }

    /** Whether the last check found nothing wrong. */
    public boolean ok() {
        return findings.isEmpty();
    }

    /**
     * Reads a state (or any file of heads, {@code {"heads":[...]}}); {@link #EMPTY} when the file
     * does not exist yet.
     *
     * @throws IllegalArgumentException naming the file and the field when it is not such a file
     * @throws IOException when it cannot be read
     */
    public static WitnessState read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not JSON (expected: {\"heads\":[...]})", e);
        }
        if (root == null || !root.path("heads").isArray()) {
            throw new IllegalArgumentException(file + ": no \"heads\" list (expected: {\"heads\":[...]}, as tally heads prints)");
        }
        Map<String, SignedHead> heads = new LinkedHashMap<>();
        for (int i = 0; i < root.get("heads").size(); i++) {
            SignedHead head;
            try {
                head = SignedHeadJson.read(root.get("heads").get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": heads[" + i + "]." + e.getMessage(), e);
            }
            if (heads.put(head.chain(), head) != null) {
                throw new IllegalArgumentException(file + ": heads[" + i + "]: chain '" + head.chain()
                        + "' appears twice (expected: one head per chain)");
            }
        }
        Instant checkedAt = null;
        if (root.hasNonNull("checked_at")) {
            try {
                checkedAt = Instant.parse(root.get("checked_at").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(file + ": checked_at: '" + root.get("checked_at").asText()
                        + "' (expected: an ISO-8601 instant)", e);
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : root.path("findings")) {
            Finding.Kind kind;
            try {
                kind = Finding.Kind.valueOf(f.path("kind").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": findings: kind '" + f.path("kind").asText()
                        + "' (expected: rollback, fork, vanished or bad_signature)", e);
            }
            findings.add(new Finding(f.path("chain").asText(), kind, f.path("message").asText()));
        }
        return new WitnessState(heads, checkedAt, findings);
    }

    /** The state as JSON, heads in chain order. */
    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("checked_at", checkedAt == null ? null : Json.INSTANT_FORMAT.format(checkedAt));
        root.put("ok", ok());
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            list.addObject().put("chain", f.chain()).put("kind", f.kind().wire()).put("message", f.message());
        }
        ArrayNode array = root.putArray("heads");
        heads.values().stream().sorted(java.util.Comparator.comparing(SignedHead::chain))
                .forEach(head -> array.add(SignedHeadJson.node(head)));
        return root;
    }

    /** Replaces {@code file} with this state atomically (0600); returns once it is durable. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        byte[] bytes = (Json.mapper().writeValueAsString(toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(file + ": cannot be replaced atomically (" + e.getMessage() + ")", e);
        }
    }

    /** The saved head of {@code chain}. */
    public Optional<SignedHead> head(String chain) {
        return Optional.ofNullable(heads.get(chain));
    }
}
