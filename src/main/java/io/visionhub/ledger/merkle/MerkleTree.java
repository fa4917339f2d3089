package io.visionhub.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 6962 / RFC 9162 Merkle tree functions over a list of leaf hashes: tree hash, inclusion proof,
 * consistency proof, and their verification (RFC 9162 section 2.1.3.2 and 2.1.4.2).
 */
public final class MerkleTree {

    private final List<byte[]> leaves;
    /** roots of perfect subtrees already computed, keyed by (from, size): shared by many proofs */
    private final Map<Long, byte[]> perfect = new HashMap<>();

    /** A tree over these leaf hashes that remembers subtree roots, for many proofs over one log. */
    public MerkleTree(List<byte[]> leaves) {
        this.leaves = leaves;
    }

    public int size() {
        return leaves.size();
    }

    /** MTH(D[from:to]), memoising perfect subtrees. */
    public byte[] rootOf(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return MerkleHash.empty();
        }
        if (n == 1) {
            return leaves.get(from);
        }
        boolean isPerfect = Integer.bitCount(n) == 1;
        long key = ((long) from << 32) | n;
        if (isPerfect) {
            byte[] known = perfect.get(key);
            if (known != null) {
                return known;
            }
        }
        int k = largestPowerOfTwoBelow(n);
        byte[] r = MerkleHash.node(rootOf(from, from + k), rootOf(from + k, to));
        if (isPerfect) {
            perfect.put(key, r);
        }
        return r;
    }

    /** PATH(m, D[0:n]). */
    public List<byte[]> inclusionProof(int m, int n) {
        if (m < 0 || m >= n || n > leaves.size()) {
            throw new IllegalArgumentException("no leaf " + m + " in a tree of size " + n);
        }
        List<byte[]> path = new ArrayList<>();
        path(m, 0, n, path);
        return path;
    }

    /** PROOF(m, D[0:n]). */
    public List<byte[]> consistencyProof(int m, int n) {
        if (m < 1 || m > n || n > leaves.size()) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to size " + n);
        }
        List<byte[]> out = new ArrayList<>();
        subproof(m, 0, n, true, out);
        return out;
    }

    /** MTH(D[from:to]). */
    public static byte[] root(List<byte[]> leaves, int from, int to) {
        return new MerkleTree(leaves).rootOf(from, to);
    }

    public static byte[] root(List<byte[]> leaves) {
        MerkleFrontier f = new MerkleFrontier();
        leaves.forEach(f::append);
        return f.root();
    }

    /** PATH(m, D[0:n]): the audit path of leaf m in the tree of the first n leaves. */
    public static List<byte[]> inclusionProof(List<byte[]> leaves, int m, int n) {
        return new MerkleTree(leaves).inclusionProof(m, n);
    }

    private void path(int m, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n <= 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, from, from + k, out);
            out.add(rootOf(from + k, to));
        } else {
            path(m - k, from + k, to, out);
            out.add(rootOf(from, from + k));
        }
    }

    /** PROOF(m, D[0:n]): proves the tree of the first m leaves is a prefix of the tree of n leaves. */
    public static List<byte[]> consistencyProof(List<byte[]> leaves, int m, int n) {
        return new MerkleTree(leaves).consistencyProof(m, n);
    }

    private void subproof(int m, int from, int to, boolean b, List<byte[]> out) {
        int n = to - from;
        if (m == n) {
            if (!b) {
                out.add(rootOf(from, to));
            }
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, from, from + k, b, out);
            out.add(rootOf(from + k, to));
        } else {
            subproof(m - k, from + k, to, false, out);
            out.add(rootOf(from, from + k));
        }
    }

    /** RFC 9162 2.1.3.2: does the path prove leafHash is leaf index of a tree of treeSize with this root? */
    public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHash.node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = MerkleHash.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 2.1.4.2: does the proof show the tree (size1, root1) is a prefix of (size2, root2)? */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 < 1 || size1 > size2) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && Arrays.equals(root1, root2);
        }
        List<byte[]> p = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            p.add(0, root1);
        }
        if (p.isEmpty()) {
            return false;
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = p.get(0);
        byte[] sr = p.get(0);
        for (int i = 1; i < p.size(); i++) {
            byte[] c = p.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHash.node(c, fr);
                sr = MerkleHash.node(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = MerkleHash.node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, root1) && Arrays.equals(sr, root2);
    }

    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
