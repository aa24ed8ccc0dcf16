package dev.tally.gateway.organization;

import java.util.Locale;

/**
 * Tells embedding models from the rest, to split the rollups between
 * {@code /usage/embeddings} and {@code /usage/completions}. The rollups keep calls by model, not
 * by route, so the split is by model: a model whose name contains {@code embed} (any case) is an
 * embedding model — {@code text-embedding-3-small}, {@code nomic-embed-text},
 * {@code embed-english-v3.0}, {@code gemini-embedding-001}. Every other call, including calls
 * without a model, counts as a completion. Stateless.
 */
final class EmbeddingModels {

    private EmbeddingModels() {
    }

    /** Whether {@code model} (null: none) counts as an embedding model. */
    static boolean isEmbedding(String model) {
        return model != null && model.toLowerCase(Locale.ROOT).contains("embed");
    }
}
