package dev.tally.gateway.heads;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.gateway.config.Integrity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.publish_heads}: heads appended to a file (fsynced, 0600) or POSTed to a real HTTP
 * receiver on loopback, retried in order after failures, and never blocking the caller even when
 * the receiver hangs.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang fails instead of blocking the build
class HeadPublisherTest {

    @TempDir
    Path dir;

    private HttpServer receiver;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static String head(int n) {
        return "{\"chain\":\"gw-1\",\"tree_size\":" + n + "}";
    }

    /** A receiver that fails the first {@code failures} POSTs with 503, then takes every head; {@code gate} holds each answer. */
    private URI startReceiver(int failures, CountDownLatch firstArrived, CountDownLatch gate) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/heads", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            firstArrived.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean fail = calls.incrementAndGet() <= failures;
            if (!fail && "application/json".equals(exchange.getRequestHeaders().getFirst("content-type"))) {
                received.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/heads?token=not-logged");
    }

    private static void awaitPublished(HeadPublisher publisher, long count) throws InterruptedException {
        while (publisher.stats().published() < count) {
            Thread.sleep(5);
        }
    }

    @Test
    void eachHeadIsAppendedToTheFileAsOneLineAndTheFileIsPrivate() throws Exception {
        Path file = dir.resolve("published").resolve("heads.jsonl");
        HeadPublisher publisher = HeadPublisher.start(new Integrity.FileTarget(file), Clock.systemUTC());

        IntStream.rangeClosed(1, 3).forEach(n -> publisher.publish(head(n)));
        publisher.close();

        assertThat(Files.readAllLines(file)).containsExactly(head(1), head(2), head(3));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(publisher.stats()).isEqualTo(new PublishStats(3, 0, 0, 0));
    }

    @Test
    void aFailingUrlIsRetriedWithTheSameHeadFirstSoHeadsArriveInOrder() throws Exception {
        URI url = startReceiver(2, new CountDownLatch(1), new CountDownLatch(0));
        HeadPublisher publisher = HeadPublisher.start(HeadDelivery.of(new Integrity.UrlTarget(url)), Clock.systemUTC(),
                Duration.ofMillis(1), Duration.ofMillis(4), 100);

        IntStream.rangeClosed(1, 3).forEach(n -> publisher.publish(head(n)));
        awaitPublished(publisher, 3);
        publisher.close();

        assertThat(received).containsExactly(head(1), head(2), head(3));
        assertThat(publisher.stats()).isEqualTo(new PublishStats(3, 2, 0, 0));
    }

    @Test
    void aHangingReceiverNeverBlocksTheCallerAndAFullQueueDropsTheOldestWaitingHead() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        URI url = startReceiver(0, firstArrived, gate);
        HeadPublisher publisher = HeadPublisher.start(HeadDelivery.of(new Integrity.UrlTarget(url)), Clock.systemUTC(),
                Duration.ofMillis(1), Duration.ofMillis(4), 5);
        publisher.publish(head(0));
        firstArrived.await(); // head 0 is in flight and its answer is held

        IntStream.rangeClosed(1, 19).forEach(n -> publisher.publish(head(n))); // returns although nothing moves
        PublishStats whileHung = publisher.stats();
        gate.countDown();
        awaitPublished(publisher, 6);
        publisher.close();

        assertThat(whileHung).isEqualTo(new PublishStats(0, 0, 14, 6));
        assertThat(received).containsExactly(head(0), head(15), head(16), head(17), head(18), head(19));
        assertThat(publisher.stats()).isEqualTo(new PublishStats(6, 0, 14, 0));
    }

    @Test
    void logLinesNameTheUrlWithoutItsQuery() {
        HeadDelivery delivery = HeadDelivery.of(new Integrity.UrlTarget(URI.create("https://h.example.com:8443/in?token=secret")));

        assertThat(delivery.describe()).isEqualTo("URL https://h.example.com:8443/in");
    }
}
