package dev.rlhf.bench.labeling;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal HTTP/1.1 client on one keep-alive socket: hand-written request lines, responses read by
 * {@code Content-Length} (or chunked). It is the benchmark's load generator, so that the 64 simulated labelers
 * spend as little CPU as possible next to the server they drive; every request is still a real HTTP request
 * and every response is read in full with its status. One connection per simulated labeler, not thread-safe.
 */
final class LeanHttpConnection implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    LeanHttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    record Response(int status, List<String> headers, String body) {
        String header(String name) {
            String prefix = name.toLowerCase() + ":";
            for (String header : headers) {
                if (header.toLowerCase().startsWith(prefix)) {
                    return header.substring(prefix.length()).trim();
                }
            }
            return null;
        }

        List<String> headers(String name) {
            String prefix = name.toLowerCase() + ":";
            List<String> values = new ArrayList<>();
            for (String header : headers) {
                if (header.toLowerCase().startsWith(prefix)) {
                    values.add(header.substring(prefix.length()).trim());
                }
            }
            return values;
        }
    }

    /** Sends one request ({@code extraHeaders} as complete "Name: value" lines) and reads the whole response. */
    Response send(String method, String path, List<String> extraHeaders, String contentType, String body) throws IOException {
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        if (payload != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (payload != null || "POST".equals(method)) {
            request.append("Content-Length: ").append(payload == null ? 0 : payload.length).append("\r\n");
        }
        request.append("\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int attempt = 0; ; attempt++) {
            boolean fresh = socket == null;
            try {
                connectIfNeeded();
                byte[] message = head;
                if (payload != null) {
                    message = new byte[head.length + payload.length];
                    System.arraycopy(head, 0, message, 0, head.length);
                    System.arraycopy(payload, 0, message, head.length, payload.length);
                }
                out.write(message);
                out.flush();
                return read();
            } catch (IOException e) {
                close();
                // a keep-alive connection the server closed while idle: reconnect once; never resend on a fresh one
                if (fresh || attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void connectIfNeeded() throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }
    }

    private Response read() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<String> headers = new ArrayList<>(8);
        int length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            headers.add(header);
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon);
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(chunkSize(line()), 16); size > 0; size = Integer.parseInt(chunkSize(line()), 16)) {
                all.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = all.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("response body ended after " + body.length + " of " + length + " bytes");
            }
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    private final StringBuilder lineBuffer = new StringBuilder(128);

    private String line() throws IOException {
        lineBuffer.setLength(0);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b != '\r') {
                lineBuffer.append((char) b);
            }
        }
        return lineBuffer.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }
}
