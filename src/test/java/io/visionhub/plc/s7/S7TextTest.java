package io.visionhub.plc.s7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The S7 STRING and WSTRING layouts of a part id, without a PLC: what the hub writes, what it takes from the PLC's
 * bytes, and the bad data it refuses by name (the S7 handshake test runs the same against Snap7).
 */
class S7TextTest {

    static S7Text string(String address) {
        return S7Text.of("part-id", S7PlcTransport.parse(address));
    }

    @Test
    void aStringIsItsHeaderAndAsciiCharactersPaddedWithZeros() {
        S7Text t = string("%DB10:20:STRING(8)");
        assertThat(t.wireAddress()).isEqualTo("%DB10:20:BYTE[10]");
        byte[] b = t.encode("A-42");
        assertThat(b).containsExactly(8, 4, 'A', '-', '4', '2', 0, 0, 0, 0);
        assertThat(t.decode(b)).isEqualTo("A-42");
    }

    @Test
    void aWstringIsWordHeadersAndUtf16Characters() {
        S7Text t = string("%DB10:40:WSTRING(4)");
        assertThat(t.wireAddress()).isEqualTo("%DB10:40:BYTE[12]");
        byte[] b = t.encode("Ä-1");
        assertThat(ByteBuffer.wrap(b).getShort(0)).isEqualTo((short) 4);
        assertThat(ByteBuffer.wrap(b).getShort(2)).isEqualTo((short) 3);
        assertThat(new String(b, 4, 6, StandardCharsets.UTF_16BE)).isEqualTo("Ä-1");
        assertThat(t.decode(b)).isEqualTo("Ä-1");
    }

    @Test
    void aTextNeverInitialisedReadsAsNoPartId() {
        assertThat(string("%DB10:20:STRING(8)").decode(new byte[10])).isEmpty();
    }

    @Test
    void badDataFromThePlcIsRefusedNamingWhatIsWrong() {
        S7Text t = string("%DB10:20:STRING(8)");
        assertThatThrownBy(() -> t.decode(new byte[] {8, 9, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'}))
                .hasMessageContaining("holds 9 characters, more than its maximum");
        assertThatThrownBy(() -> t.decode(new byte[] {16, 2, 'A', 'B', 0, 0, 0, 0, 0, 0}))
                .hasMessageContaining("declares a maximum of 16 characters")
                .hasMessageContaining("STRING(8) at %DB10:20");
        assertThatThrownBy(() -> t.decode(new byte[] {8, 3, 'P', (byte) 0xFC, 'f', 0, 0, 0, 0, 0}))
                .hasMessageContaining("byte 0xFC at character 2, not printable ASCII");
        assertThatThrownBy(() -> t.decode(new byte[] {8, 2, 'A', 0x07, 0, 0, 0, 0, 0, 0}))
                .hasMessageContaining("byte 0x07 at character 2");
        assertThatThrownBy(() -> t.decode(new byte[4])).hasMessageContaining("answered 4 bytes");
        S7Text w = string("%DB10:40:WSTRING(2)");
        assertThatThrownBy(() -> w.decode(new byte[] {0, 2, 0, 1, (byte) 0xD8, 0x00, 0, 0}))
                .hasMessageContaining("not valid UTF-16");
    }

    @Test
    void aPartIdThatDoesNotFitIsRefusedBeforeAnythingIsWritten() {
        S7Text t = string("%DB10:20:STRING(4)");
        assertThatThrownBy(() -> t.encode("ABCDE")).hasMessageContaining("has 5 characters, more than the STRING(4)");
        assertThatThrownBy(() -> t.encode("Prüf"))
                .hasMessageContaining("U+00FC at 3, which is not printable ASCII")
                .hasMessageContaining("WSTRING");
        assertThatThrownBy(() -> string("%DB10:40:WSTRING(4)").encode("A\uD800"))
                .hasMessageContaining("unpaired surrogate");
    }
}
