package ai.reigh.common.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.error.FieldError;

/**
 * URLs that someone else will fetch later. The platform itself never fetches a URL a client gave it;
 * GPU workers do (input images, LoRA files named in a task's {@code params}). So where the platform
 * hands URLs to workers, it refuses the ones that would make a worker reach into a private network:
 * schemes other than http and https, hosts that are loopback, private, link-local (cloud metadata),
 * shared, multicast or reserved IP addresses (in any notation), and names that only resolve inside a
 * network ({@code localhost}, single-label names, {@code .local}, {@code .internal}, {@code .svc},
 * {@code .cluster.local}…). A public name that resolves to a private address cannot be recognised
 * without resolving it (and it could change after the check): workers must also fetch through an
 * egress policy; this check removes the obvious cases at the door.
 */
public final class FetchableUrls {
    /** A value is looked at as a URL when it starts with a scheme (or is protocol-relative). */
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", Pattern.DOTALL);
    /** Schemes a fetcher follows even without "//". */
    private static final Set<String> LOCAL_SCHEMES = Set.of("file", "jar", "netdoc", "gopher", "dict", "ldap", "ldaps",
            "tftp", "smb", "ftp", "ftps", "sftp");
    private static final Set<String> INTERNAL_NAMES = Set.of("localhost", "metadata", "instance-data", "kubernetes");
    private static final List<String> INTERNAL_SUFFIXES = List.of(".localhost", ".local", ".internal", ".intranet",
            ".lan", ".home", ".corp", ".home.arpa", ".svc", ".cluster.local", ".localdomain");
    private static final Pattern NUMERIC_PART = Pattern.compile("0x[0-9a-f]*|[0-9]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final int MAX_REPORTED = 20;

    private FetchableUrls() {
    }

    /** Every string of {@code document} that is a URL a worker must not fetch, with its path under {@code field}. */
    public static List<FieldError> refusedIn(String field, JsonNode document) {
        List<FieldError> refused = new ArrayList<>();
        walk(field, document, refused);
        return refused;
    }

    private static void walk(String path, JsonNode node, List<FieldError> refused) {
        if (refused.size() >= MAX_REPORTED || node == null) {
            return;
        }
        if (node.isTextual()) {
            String problem = problemOf(node.textValue());
            if (problem != null) {
                refused.add(new FieldError(path, problem));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> entry = fields.next();
                walk(path + "." + entry.getKey(), entry.getValue(), refused);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(path + "[" + i + "]", node.get(i), refused);
            }
        }
    }

    /** Why a worker must not fetch {@code value}, or null when it may (or when it is not a URL at all). */
    public static String problemOf(String value) {
        String text = value.strip();
        if (text.startsWith("//")) {
            return problemOfHttp("http:" + text);
        }
        Matcher scheme = SCHEME.matcher(text);
        if (!scheme.matches()) {
            return null;
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        if (name.equals("http") || name.equals("https")) {
            return problemOfHttp(text);
        }
        if (LOCAL_SCHEMES.contains(name) || scheme.group(2).startsWith("//")) {
            return "only http and https URLs may be given to workers";
        }
        return null;
    }

    private static String problemOfHttp(String url) {
        if (url.chars().anyMatch(c -> c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            return "is not a URL that every client reads the same way";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return "must name a host";
        }
        host = host.toLowerCase(Locale.ROOT);
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.startsWith("[")) {
            return privateAddress(host.substring(1, host.length() - 1)) ? privateMessage() : null;
        }
        if (looksNumeric(host)) {
            if (!DOTTED_QUAD.matcher(host).matches()) {
                return "must not give an IP address in an unusual notation";
            }
            return privateAddress(host) ? privateMessage() : null;
        }
        if (!host.contains(".") || INTERNAL_NAMES.contains(host)
                || INTERNAL_SUFFIXES.stream().anyMatch(host::endsWith)) {
            return "must name a public host, not one of a private network";
        }
        return null;
    }

    private static String privateMessage() {
        return "must not point at a private, loopback, link-local or reserved address";
    }

    /** 1 to 4 dot-separated numbers in decimal, octal or hex: what inet_aton (and so many clients) reads as IPv4. */
    private static boolean looksNumeric(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        for (String part : parts) {
            if (!NUMERIC_PART.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal (no name resolution happens for literals) in a range no worker should reach. */
    static boolean privateAddress(String literal) {
        InetAddress address;
        try {
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException | SecurityException e) {
            return true;
        }
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean embedsV4 = isZero(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || isZero(b, 10, 2))
                    || (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && isZero(b, 4, 8));
            if (embedsV4) {
                return privateV4(new byte[] { b[12], b[13], b[14], b[15] });
            }
            return v6.isLoopbackAddress() || v6.isAnyLocalAddress() || v6.isLinkLocalAddress() || v6.isSiteLocalAddress()
                    || v6.isMulticastAddress() || (b[0] & 0xfe) == 0xfc /* unique local fc00::/7 */
                    || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8) /* documentation */;
        }
        return address instanceof Inet4Address && privateV4(address.getAddress());
    }

    private static boolean privateV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224 // this network, private, loopback, multicast, reserved
                || (a0 == 100 && a1 >= 64 && a1 <= 127) // shared (carrier-grade NAT)
                || (a0 == 169 && a1 == 254) // link-local: cloud metadata lives here
                || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                || (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) || (a0 == 198 && (a1 == 18 || a1 == 19))
                || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113);
    }

    private static boolean isZero(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
