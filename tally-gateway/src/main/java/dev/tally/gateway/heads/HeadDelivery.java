package dev.tally.gateway.heads;

import dev.tally.gateway.config.Integrity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

/**
 * One way a head leaves the machine: appended to a file or POSTed to a URL. Each call delivers one
 * head's JSON completely or throws; {@link HeadPublisher} retries. Called from the publisher's one
 * thread only; not thread-safe.
 */
sealed interface HeadDelivery extends AutoCloseable {

    /** Delivers one head's JSON; returns once it is durable (file) or accepted (URL). */
    void deliver(String json) throws IOException, InterruptedException;

    /** The destination for log lines: never a credential. */
    String describe();

    @Override
    void close();

    /** The delivery for a configured target. */
    static HeadDelivery of(Integrity.HeadTarget target) {
        return switch (target) {
            case Integrity.FileTarget file -> new ToFile(file.path());
            case Integrity.UrlTarget url -> new ToUrl(url.uri());
        };
    }

    /**
     * Appends {@code json + "\n"} and forces it to disk before returning, so a head reported
     * published survives a crash. The file is created 0600 when missing and opened for each
     * head (a rotated or removed file is re-created rather than written behind a stale handle).
     */
    final class ToFile implements HeadDelivery {
        private final Path path;

        ToFile(Path path) {
            this.path = path;
        }

        @Override
        public void deliver(String json) throws IOException {
            if (!Files.exists(path)) {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try {
                    Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another writer created it: append to theirs
                }
            }
            try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND))) {
                ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
                while (line.hasRemaining()) {
                    channel.write(line);
                }
                channel.force(false);
            }
        }

        @Override
        public String describe() {
            return "file " + path;
        }

        @Override
        public void close() {
            // nothing held between heads
        }
    }

    /** POSTs the JSON as {@code application/json}; any 2xx is success. Each attempt waits at most {@link #TIMEOUT}. */
    final class ToUrl implements HeadDelivery {
        static final Duration TIMEOUT = Duration.ofSeconds(10);

        private final URI uri;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

        ToUrl(URI uri) {
            this.uri = uri;
        }

        @Override
        public void deliver(String json) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("answered " + response.statusCode() + " (expected: 2xx)");
            }
        }

        @Override
        public String describe() {
            // The query could carry a token: it is left out.
            return "URL " + uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
