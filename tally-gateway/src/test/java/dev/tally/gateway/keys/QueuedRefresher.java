package dev.tally.gateway.keys;

import java.util.ArrayList;
import java.util.List;

/** Holds the key cache's refresh-ahead sweeps until the test runs them. Not thread-safe. */
final class QueuedRefresher implements KeyCache.Later {

    private final List<Runnable> queued = new ArrayList<>();
    long lastDelayMillis;

    @Override
    public void run(Runnable task, long delayMillis) {
        queued.add(task);
        lastDelayMillis = delayMillis;
    }

    int queued() {
        return queued.size();
    }

    void runAll() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }
}
