package io.visionhub.ledger.merkle;

import static io.visionhub.ledger.merkle.MerkleHash.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vectors derived by hand from the tree of 7 leaves drawn in RFC 6962 section 2.1.3:
 * <pre>
 *            root
 *          /      \
 *         k        l
 *        / \      / \
 *       g   h    i   j
 *      / \ / \  / \  |
 *      a b c d  e f  d6
 * </pre>
 */
class MerkleTreeTest {

    private final List<byte[]> leaves = new ArrayList<>();
    private final byte[] a, b, c, d, e, f, j, g, h, i, k, l, root7;

    MerkleTreeTest() {
        for (int n = 0; n < 7; n++) {
            leaves.add(MerkleHash.leaf(("d" + n).getBytes(StandardCharsets.UTF_8)));
        }
        a = leaves.get(0);
        b = leaves.get(1);
        c = leaves.get(2);
        d = leaves.get(3);
        e = leaves.get(4);
        f = leaves.get(5);
        j = leaves.get(6);
        g = node(a, b);
        h = node(c, d);
        i = node(e, f);
        k = node(g, h);
        l = node(i, j);
        root7 = node(k, l);
    }

    @Test
    void leafAndNodeHashesUseTheRfc6962Prefixes() {
        byte[] entry = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(MerkleHash.leaf(entry)).isEqualTo(MerkleHash.sha256(new byte[] {0x00, 'x'}));
        byte[] both = new byte[65];
        both[0] = 1;
        System.arraycopy(a, 0, both, 1, 32);
        System.arraycopy(b, 0, both, 33, 32);
        assertThat(node(a, b)).isEqualTo(MerkleHash.sha256(both));
        assertThat(MerkleHash.hex(MerkleHash.empty()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rootOfSmallTreesMatchesTheHandBuiltTrees() {
        assertThat(MerkleTree.root(leaves.subList(0, 1))).isEqualTo(a);
        assertThat(MerkleTree.root(leaves.subList(0, 2))).isEqualTo(g);
        assertThat(MerkleTree.root(leaves.subList(0, 3))).isEqualTo(node(g, c));
        assertThat(MerkleTree.root(leaves.subList(0, 4))).isEqualTo(k);
        assertThat(MerkleTree.root(leaves.subList(0, 5))).isEqualTo(node(k, e));
        assertThat(MerkleTree.root(leaves.subList(0, 6))).isEqualTo(node(k, i));
        assertThat(MerkleTree.root(leaves)).isEqualTo(root7);
        assertThat(MerkleTree.root(leaves, 0, 7)).isEqualTo(root7);
        assertThat(MerkleTree.root(List.of())).isEqualTo(MerkleHash.empty());
    }

    @Test
    void rootMatchesTheCertificateTransparencyReferenceVectors() {
        // inputs and roots of the RFC 6962 reference implementation's test data (certificate-transparency)
        String[] inputs = {
            "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
        };
        List<byte[]> ct = new ArrayList<>();
        for (String in : inputs) {
            ct.add(MerkleHash.leaf(HexFormat.of().parseHex(in)));
        }
        assertThat(MerkleHash.hex(MerkleTree.root(ct.subList(0, 1))))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assertThat(MerkleHash.hex(MerkleTree.root(ct)))
                .isEqualTo("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    }

    @Test
    void frontierRootEqualsRecursiveRootAtEverySize() {
        MerkleFrontier fr = new MerkleFrontier();
        List<byte[]> many = new ArrayList<>();
        for (int n = 0; n < 70; n++) {
            assertThat(fr.root()).isEqualTo(MerkleTree.root(many, 0, many.size()));
            byte[] leaf = MerkleHash.leaf(new byte[] {(byte) n});
            many.add(leaf);
            fr.append(leaf);
        }
        assertThat(fr.size()).isEqualTo(70);
        assertThat(fr.copy().root()).isEqualTo(fr.root());
    }

    @Test
    void inclusionProofsAreTheAuditPathsOfTheRfcExample() {
        assertThat(MerkleTree.inclusionProof(leaves, 0, 7)).containsExactly(b, h, l);
        assertThat(MerkleTree.inclusionProof(leaves, 3, 7)).containsExactly(c, g, l);
        assertThat(MerkleTree.inclusionProof(leaves, 4, 7)).containsExactly(f, j, k);
        assertThat(MerkleTree.inclusionProof(leaves, 6, 7)).containsExactly(i, k);
        for (int m = 0; m < 7; m++) {
            List<byte[]> path = MerkleTree.inclusionProof(leaves, m, 7);
            assertThat(MerkleTree.verifyInclusion(m, 7, leaves.get(m), path, root7))
                    .as("leaf %d", m)
                    .isTrue();
            assertThat(MerkleTree.verifyInclusion(m, 7, leaves.get((m + 1) % 7), path, root7))
                    .isFalse();
        }
    }

    @Test
    void consistencyProofsAreThoseOfTheRfcExample() {
        assertThat(MerkleTree.consistencyProof(leaves, 3, 7)).containsExactly(c, d, g, l);
        assertThat(MerkleTree.consistencyProof(leaves, 4, 7)).containsExactly(l);
        assertThat(MerkleTree.consistencyProof(leaves, 6, 7)).containsExactly(i, j, k);
        for (int m = 1; m <= 7; m++) {
            for (int n = m; n <= 7; n++) {
                List<byte[]> p = MerkleTree.consistencyProof(leaves, m, n);
                byte[] r1 = MerkleTree.root(leaves, 0, m);
                byte[] r2 = MerkleTree.root(leaves, 0, n);
                assertThat(MerkleTree.verifyConsistency(m, n, r1, r2, p))
                        .as("%d->%d", m, n)
                        .isTrue();
                if (m < n) {
                    assertThat(MerkleTree.verifyConsistency(m, n, r1, MerkleHash.leaf(new byte[] {9}), p))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void aRewrittenPrefixIsNotConsistentWithTheOldHead() {
        byte[] oldRoot = MerkleTree.root(leaves, 0, 4);
        List<byte[]> forged = new ArrayList<>(leaves);
        forged.set(1, MerkleHash.leaf("forged".getBytes(StandardCharsets.UTF_8)));
        List<byte[]> p = MerkleTree.consistencyProof(forged, 4, 7);
        assertThat(MerkleTree.verifyConsistency(4, 7, oldRoot, MerkleTree.root(forged), p))
                .isFalse();
    }

    @Test
    void proofsOutsideTheTreeAreRefused() {
        assertThatThrownBy(() -> MerkleTree.inclusionProof(leaves, 7, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleTree.consistencyProof(leaves, 0, 7))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleTree.consistencyProof(leaves, 5, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MerkleTree.verifyInclusion(-1, 7, a, List.of(), root7)).isFalse();
        assertThat(MerkleTree.verifyConsistency(8, 7, root7, root7, List.of())).isFalse();
    }
}
