package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** The sockets Paho gets for tcp:// brokers: no Nagle, one buffered input stream, read timeouts that lose nothing. */
class NoDelaySocketFactoryTest {

    @Test
    void socketsHaveNoDelayAndOneBufferedInputStream() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new NoDelaySocketFactory().createSocket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            try (Socket peer = server.accept()) {
                assertThat(client.getTcpNoDelay()).isTrue();
                InputStream in = client.getInputStream();
                assertThat(in).isSameAs(client.getInputStream());
                // two MQTT packets in one segment (PUBACKs of ids 1 and 2): read as Paho reads them, byte by byte
                // for the header, then the rest; both come out whole and in order
                peer.getOutputStream().write(new byte[] {0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02});
                DataInputStream data = new DataInputStream(in);
                for (int id = 1; id <= 2; id++) {
                    assertThat(data.readByte()).isEqualTo((byte) 0x40);
                    assertThat(data.readByte()).isEqualTo((byte) 0x02);
                    byte[] rest = new byte[2];
                    data.readFully(rest);
                    assertThat(rest).containsExactly(0x00, id);
                }
            }
        }
    }

    @Test
    void aReadThatTimesOutLosesNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new NoDelaySocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            try (Socket peer = server.accept()) {
                client.setSoTimeout(100); // Paho sets 1 s and reads on after each timeout
                InputStream in = client.getInputStream();
                OutputStream out = peer.getOutputStream();
                out.write(new byte[] {0x30, 0x03});
                assertThat(in.read()).isEqualTo(0x30);
                assertThat(in.read()).isEqualTo(0x03);
                assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
                out.write(new byte[] {'a', 'b', 'c'});
                byte[] rest = new byte[3];
                new DataInputStream(in).readFully(rest);
                assertThat(new String(rest, java.nio.charset.StandardCharsets.US_ASCII))
                        .isEqualTo("abc");
            }
        }
    }
}
