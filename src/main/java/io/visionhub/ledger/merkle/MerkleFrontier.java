package io.visionhub.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first. Appending a leaf
 * and computing the root cost O(log n), so the writer keeps the tree head current without re-reading leaves.
 */
public final class MerkleFrontier {

    private final List<byte[]> roots = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private long size;

    public MerkleFrontier() {}

    private MerkleFrontier(MerkleFrontier other) {
        roots.addAll(other.roots);
        sizes.addAll(other.sizes);
        size = other.size;
    }

    /**
     * The frontier of a tree of this size from the roots of its perfect subtrees, largest first (as
     * {@link SubtreeProofs#edge} names them): how an incremental verification continues from a verified head.
     */
    public static MerkleFrontier ofEdge(List<byte[]> edgeRoots, long size) {
        List<SubtreeProofs.Node> edge = SubtreeProofs.edge(size);
        if (edge.size() != edgeRoots.size()) {
            throw new IllegalArgumentException(
                    "a tree of size " + size + " has " + edge.size() + " edge subtrees, not " + edgeRoots.size());
        }
        MerkleFrontier f = new MerkleFrontier();
        for (int i = 0; i < edge.size(); i++) {
            f.roots.add(edgeRoots.get(i));
            f.sizes.add(1L << edge.get(i).height());
        }
        f.size = size;
        return f;
    }

    public MerkleFrontier copy() {
        return new MerkleFrontier(this);
    }

    public long size() {
        return size;
    }

    public void append(byte[] leafHash) {
        append(leafHash, null);
    }

    /** Receives each perfect subtree an append completes (height 1 and up; the leaf itself is height 0). */
    @FunctionalInterface
    public interface NodeSink {
        /**
         * @param height the subtree covers 2^height leaves
         * @param index  its position among the subtrees of that height: leaves index*2^height .. (index+1)*2^height-1
         * @param hash   its root, MTH of those leaves
         */
        void node(int height, long index, byte[] hash);
    }

    /** Appends a leaf and hands each perfect subtree it completes to sink (null: none), smallest first. */
    public void append(byte[] leafHash, NodeSink sink) {
        byte[] h = leafHash;
        long s = 1;
        int height = 0;
        long newSize = size + 1;
        while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == s) {
            int last = sizes.size() - 1;
            h = MerkleHash.node(roots.remove(last), h);
            sizes.remove(last);
            s *= 2;
            height++;
            if (sink != null) {
                sink.node(height, (newSize >> height) - 1, h);
            }
        }
        roots.add(h);
        sizes.add(s);
        size++;
    }

    /** The tree hash MTH of all leaves appended so far. */
    public byte[] root() {
        if (roots.isEmpty()) {
            return MerkleHash.empty();
        }
        byte[] h = roots.get(roots.size() - 1);
        for (int i = roots.size() - 2; i >= 0; i--) {
            h = MerkleHash.node(roots.get(i), h);
        }
        return h;
    }
}
