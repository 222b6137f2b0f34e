import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A stand-in IKE "daemon" for the launch-command contract tests: binds UDP 500 on the address in
 * NATT_IUT_ADDRESS (address/prefix) and sleeps. Run in single-file source mode (java Listen.java),
 * so that the tests need nothing beyond the JDK that runs them.
 */
public class Listen {
  public static void main(String[] args) throws Exception {
    String address = System.getenv("NATT_IUT_ADDRESS").split("/")[0];
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 500))) {
      Thread.sleep(600_000);
    }
  }
}
