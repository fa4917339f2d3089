package io.visionhub.ledger.merkle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 6962 inclusion and consistency proofs computed from the roots of perfect subtrees, so a proof touches
 * O(log n) of them instead of every leaf. Every subtree the RFC's recursion visits that holds 2^h leaves starts at
 * a multiple of 2^h (splits fall at powers of two), so it is named by {@link Node}(h, start / 2^h); a subtree that is
 * not perfect is split as the RFC splits it. {@link #nodesFor} lists the perfect subtrees a proof needs, so that a
 * store can fetch them in one query before the proof is computed.
 */
public final class SubtreeProofs {

    private SubtreeProofs() {}

    /** A perfect subtree: leaves index*2^height .. (index+1)*2^height-1. */
    public record Node(int height, long index) {
        public long first() {
            return index << height;
        }

        public long end() {
            return (index + 1) << height;
        }
    }

    /** The root of a perfect subtree, from wherever the caller keeps them (height 0: the leaf hash). */
    @FunctionalInterface
    public interface Subtrees {
        byte[] root(Node node);
    }

    /** MTH(D[from:to]). */
    public static byte[] rootOf(Subtrees t, long from, long to) {
        long n = to - from;
        if (n == 0) {
            return MerkleHash.empty();
        }
        if (Long.bitCount(n) == 1) {
            int h = Long.numberOfTrailingZeros(n);
            return t.root(new Node(h, from >> h));
        }
        long k = Long.highestOneBit(n - 1);
        return MerkleHash.node(rootOf(t, from, from + k), rootOf(t, from + k, to));
    }

    /** PATH(m, D[0:n]). */
    public static List<byte[]> inclusionProof(Subtrees t, long m, long n) {
        if (m < 0 || m >= n) {
            throw new IllegalArgumentException("no leaf " + m + " in a tree of size " + n);
        }
        List<byte[]> out = new ArrayList<>();
        path(t, m, 0, n, out);
        return out;
    }

    private static void path(Subtrees t, long m, long from, long to, List<byte[]> out) {
        long n = to - from;
        if (n <= 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m < k) {
            path(t, m, from, from + k, out);
            out.add(rootOf(t, from + k, to));
        } else {
            path(t, m - k, from + k, to, out);
            out.add(rootOf(t, from, from + k));
        }
    }

    /** PROOF(m, D[0:n]). */
    public static List<byte[]> consistencyProof(Subtrees t, long m, long n) {
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to size " + n);
        }
        List<byte[]> out = new ArrayList<>();
        subproof(t, m, 0, n, true, out);
        return out;
    }

    private static void subproof(Subtrees t, long m, long from, long to, boolean b, List<byte[]> out) {
        long n = to - from;
        if (m == n) {
            if (!b) {
                out.add(rootOf(t, from, to));
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproof(t, m, from, from + k, b, out);
            out.add(rootOf(t, from + k, to));
        } else {
            subproof(t, m - k, from + k, to, false, out);
            out.add(rootOf(t, from, from + k));
        }
    }

    /** The perfect subtrees of the tree of size n whose roots combine to its root (the tree's right edge). */
    public static List<Node> edge(long n) {
        List<Node> out = new ArrayList<>();
        long from = 0;
        for (int h = 63; h >= 0; h--) {
            if ((n & (1L << h)) != 0) {
                out.add(new Node(h, from >> h));
                from += 1L << h;
            }
        }
        return out;
    }

    /** The perfect subtrees a proof of this kind (with the roots at m, for consistency, and at n) needs. */
    public static Set<Node> nodesFor(Proof kind, long m, long n) {
        Set<Node> nodes = new LinkedHashSet<>();
        byte[] none = new byte[32];
        Subtrees recording = node -> {
            nodes.add(node);
            return none;
        };
        switch (kind) {
            case INCLUSION -> inclusionProof(recording, m, n);
            case CONSISTENCY -> {
                consistencyProof(recording, m, n);
                rootOf(recording, 0, m);
            }
        }
        rootOf(recording, 0, n);
        return nodes;
    }

    public enum Proof {
        INCLUSION,
        CONSISTENCY
    }
}
