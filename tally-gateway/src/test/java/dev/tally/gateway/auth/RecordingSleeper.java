package dev.tally.gateway.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the delays asked for instead of waiting. Thread-safe. */
final class RecordingSleeper implements Sleeper {

    private final List<Duration> delays = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration delay) {
        delays.add(delay);
    }

    synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    synchronized long totalMillis() {
        return delays.stream().mapToLong(Duration::toMillis).sum();
    }
}
