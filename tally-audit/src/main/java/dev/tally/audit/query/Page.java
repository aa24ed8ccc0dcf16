package dev.tally.audit.query;

import java.util.List;

/**
 * One page of results, newest first. {@code nextCursor} is null on the last page. Cursors are
 * opaque; a page's cursor stays valid while new entries arrive (they sort before it).
 */
public record Page<T>(List<T> data, String nextCursor) {

    public Page {
        data = List.copyOf(data);
    }
}
