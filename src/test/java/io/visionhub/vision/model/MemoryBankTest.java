package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBankTest {

    @TempDir
    Path dir;

    private final MemoryBank bank = new MemoryBank(3, 2, new float[] {1f, -2f, 3.5f, 0f, 1e-7f, 65504f});

    @Test
    void writtenBankReadsBackExactlyAndItsHashIsChecked() {
        Path f = dir.resolve("bank.bin");
        String sha = bank.write(f);
        MemoryBank back = MemoryBank.read(f, sha, "m");
        assertThat(back.rows()).isEqualTo(3);
        assertThat(back.dims()).isEqualTo(2);
        assertThat(back.features()).containsExactly(bank.features());
        assertThatThrownBy(() -> MemoryBank.read(f, "00" + sha.substring(2), "m"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("but the card says");
        assertThatThrownBy(() -> MemoryBank.read(f, null, "m")).hasMessageContaining("memoryBankSha256");
    }

    @Test
    void headerLittleEndianFloat32AsDocumented() {
        ByteBuffer b = ByteBuffer.wrap(bank.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bank.toBytes(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("VHMB");
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getInt(8)).isEqualTo(1);
        assertThat(b.getInt(12)).isEqualTo(3);
        assertThat(b.getInt(16)).isEqualTo(2);
        assertThat(b.getFloat(20 + 4 * 2)).isEqualTo(3.5f);
        assertThat(bank.toBytes()).hasSize(20 + 6 * 4);
    }

    @Test
    void corruptBanksAreRefusedNamingTheProblem() throws Exception {
        byte[] ok = bank.toBytes();
        byte[] magic = ok.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> MemoryBank.parse(magic, "bank")).hasMessageContaining("does not start with VHMB");
        byte[] version = ok.clone();
        version[4] = 2;
        assertThatThrownBy(() -> MemoryBank.parse(version, "bank")).hasMessageContaining("format version 2");
        byte[] rows = ok.clone();
        rows[12] = 4;
        assertThatThrownBy(() -> MemoryBank.parse(rows, "bank")).hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> MemoryBank.parse(new byte[7], "bank"))
                .hasMessageContaining("shorter than its 20-byte");
        byte[] nan = ok.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(20, Float.NaN);
        assertThatThrownBy(() -> MemoryBank.parse(nan, "bank")).hasMessageContaining("NaN at value 0");
        assertThatThrownBy(() -> MemoryBank.read(dir.resolve("absent.bin"), "ab", "m"))
                .hasMessageContaining("absent.bin does not exist");
        Files.write(dir.resolve("x"), ok);
    }
}
