package dev.tally.gateway.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where the gateway's Jackson mappers come from: plain Jackson defaults, except where parsers and
 * generators get their working buffers.
 *
 * <p>Why: Jackson's default keeps one set of buffers per thread (a thread-local), for as long as
 * the thread lives. The gateway serves every call on its own virtual thread, and a streamed call's
 * thread lives as long as its stream, parsing each event; with per-thread buffers every open
 * stream pinned its own set (about 16 KB of char and byte arrays), 16 MB at 1,000 open streams
 * ({@code bench/gateway rss}). Here all mappers draw from one pool shared by every thread, so the
 * buffers in use are only those of the parses happening at this instant.
 *
 * <p>Thread-safe: the mappers are, and the pool is.
 */
public final class GatewayJson {

    private GatewayJson() {
    }

    /** A new mapper with Jackson's defaults and buffers from the shared pool. Configure it once, then share it. */
    public static ObjectMapper newMapper() {
        // One factory per mapper: a mapper installs itself as its factory's codec.
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
    }
}
