package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.ExchangeType;
import io.natt.wire.IcmpMessage;
import io.natt.wire.IdPayload;
import io.natt.wire.NotificationPayload;
import io.natt.wire.PacketView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 3948 section 5.1: two clients with one private address, each behind a NAT of its own, hold
 * tunnels to the IUT at once, and the IUT must keep them apart. Judged from what each client's own
 * peer sent and received (the harness's point {@code peer}, a further client's {@code client-N}):
 * the ICMP echo requests it sent through its tunnel and the echo replies its own SA opened, matched
 * by ICMP identifier and sequence number (each ping step draws its identifier at random).
 */
final class OverlapChecks {
  private OverlapChecks() {}

  /** The prefix of a further client's observation point (client-2, ...). */
  static final String CLIENT_POINT = "client-";

  /** Notify message types below this are errors (RFC 2408 3.14.1); status types (DPD) are not. */
  private static final int ERROR_TYPES = 16384;

  /** An echo request or reply through one client's tunnel. */
  private record Echo(TraceEntry entry, int type, byte[] src, byte[] dst, int id, int seq) {
    long at() {
      return entry.datagram().monoNanos();
    }

    boolean sameKey(Echo o) {
      return id == o.id && seq == o.seq;
    }
  }

  /** What one client (one observation point) did through its tunnel. */
  private static final class Client {
    final String point;
    final List<Echo> requests = new ArrayList<>();
    final List<Echo> replies = new ArrayList<>();
    byte[] quickModeId;
    TraceEntry quickMode;
    TraceEntry refusal;
    final List<TraceEntry> ikeReceived = new ArrayList<>();

    Client(String point) {
      this.point = point;
    }

    String name() {
      return point.equals(Trace.PEER) ? "client 1" : point.replace('-', ' ');
    }

    /** Its inner address: the source of its echo requests, else its Quick Mode ID_ci. */
    byte[] address() {
      return requests.isEmpty() ? quickModeId : requests.get(0).src;
    }

    boolean asked(Echo reply) {
      return requests.stream().anyMatch(q -> q.sameKey(reply));
    }

    boolean answered(Echo request) {
      return replies.stream().anyMatch(a -> a.sameKey(request));
    }
  }

  static Judgement overlappingInnerAddress(Trace t, Requirement r) {
    Map<String, Client> clients = new LinkedHashMap<>();
    for (TraceEntry e : t.entries()) {
      if (e.point().equals(Trace.PEER) || e.point().startsWith(CLIENT_POINT)) {
        read(clients.computeIfAbsent(e.point(), Client::new), e);
      }
    }
    if (clients.size() < 2) {
      return Judgement.notApplicable(r, "one client only: no tunnels that could overlap");
    }
    List<Client> group = overlapping(clients.values());
    if (group.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "no two clients used the same inner address (their echo requests or Quick Mode IDs):"
              + " the scenario needs topology.harness.clients with same-address: true");
    }
    String address = addr(group.get(0).address());
    List<Evidence> crossed = crossed(group, clients.values());
    if (!crossed.isEmpty()) {
      return Judgement.fail(
          r,
          "the IUT sent a client, through its own SA, the echo reply to another client's request"
              + " with the same inner address "
              + address
              + ": it does not keep overlapping tunnels apart",
          crossed);
    }
    List<Client> up = group.stream().filter(c -> !c.requests.isEmpty()).toList();
    if (up.size() < 2) {
      return oneUp(r, group, up, address);
    }
    long overlap = up.stream().mapToLong(c -> c.requests.get(0).at()).max().orElseThrow();
    List<Evidence> silenced = new ArrayList<>();
    List<String> carried = new ArrayList<>();
    List<String> withIke = new ArrayList<>();
    for (Client c : up) {
      List<Echo> after = c.requests.stream().filter(q -> q.at() >= overlap).toList();
      long ok = after.stream().filter(c::answered).count();
      if (after.isEmpty()) {
        continue;
      }
      if (ok > 0) {
        carried.add(c.name() + " " + ok + "/" + after.size());
        continue;
      }
      boolean answeredBefore =
          c.requests.stream().filter(q -> q.at() < overlap).anyMatch(c::answered);
      boolean othersAnswered =
          up.stream()
              .filter(o -> o != c)
              .anyMatch(
                  o -> o.requests.stream().filter(q -> q.at() >= overlap).anyMatch(o::answered));
      Optional<TraceEntry> ike =
          c.ikeReceived.stream().filter(e -> e.datagram().monoNanos() >= overlap).findFirst();
      if (after.size() >= 2 && (answeredBefore || othersAnswered) && ike.isPresent()) {
        // perhaps a Delete: the IUT may have replaced this tunnel (disallowing the conflict)
        withIke.add(c.name() + " (" + ike.get().ref() + ")");
      } else if (after.size() >= 2 && (answeredBefore || othersAnswered)) {
        silenced.add(
            new Evidence(
                after.stream().map(q -> q.entry().ref()).toList(),
                "echo replies to "
                    + c.name()
                    + " once another client's tunnel with the same inner address was up",
                "none of its "
                    + after.size()
                    + " requests answered"
                    + (answeredBefore ? " (answered before)" : "")));
      }
    }
    if (!silenced.isEmpty()) {
      return Judgement.fail(
          r,
          "a client's tunnel went unanswered once another client with the same inner address "
              + address
              + " had a tunnel of its own",
          silenced);
    }
    if (!withIke.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "a client's tunnel went unanswered once another client with the same inner address "
              + address
              + " was up, but the IUT sent it IKE meanwhile ("
              + String.join(", ", withIke)
              + "): if that was a Delete, the IUT replaced the first tunnel instead of confusing"
              + " the two, which the trace (IKE not decrypted there) cannot tell");
    }
    if (carried.size() < 2) {
      return Judgement.inconclusive(
          r,
          "the clients with inner address "
              + address
              + " did not both get echo replies after both tunnels were up ("
              + (carried.isEmpty() ? "none did" : String.join(", ", carried))
              + "): ping from both, interleaved, after both Quick Modes");
    }
    return Judgement.pass(
        r,
        "both tunnels with inner address "
            + address
            + " carried their own echo replies after both were up ("
            + String.join(", ", carried)
            + "), and no client got another's",
        List.of());
  }

  /**
   * The clients of the first inner address two or more clients used (the harness's first), empty
   * when none shares one.
   */
  private static List<Client> overlapping(java.util.Collection<Client> all) {
    for (Client c : all) {
      byte[] a = c.address();
      if (a == null) {
        continue;
      }
      List<Client> same = all.stream().filter(o -> Arrays.equals(o.address(), a)).toList();
      if (same.size() >= 2) {
        return same;
      }
    }
    return List.of();
  }

  /** Echo replies a client of the group opened that answer another client's request. */
  private static List<Evidence> crossed(List<Client> group, java.util.Collection<Client> all) {
    List<Evidence> out = new ArrayList<>();
    for (Client c : group) {
      for (Echo a : c.replies) {
        if (c.asked(a)) {
          continue;
        }
        for (Client o : all) {
          if (o == c) {
            continue;
          }
          Optional<Echo> q = o.requests.stream().filter(x -> x.sameKey(a)).findFirst();
          if (q.isPresent()) {
            out.add(
                new Evidence(
                    List.of(q.get().entry().ref(), a.entry().ref()),
                    "the echo reply to " + o.name() + "'s request through " + o.name() + "'s SA",
                    c.name()
                        + "'s SA carried it (id "
                        + a.id
                        + ", seq "
                        + a.seq
                        + ", to "
                        + addr(a.dst)
                        + ")"));
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * Only one client of the group got a tunnel: PASS when the IUT refused the other's Quick Mode (an
   * Informational answer to it) and the one tunnel was answered; else INCONCLUSIVE.
   */
  private static Judgement oneUp(
      Requirement r, List<Client> group, List<Client> up, String address) {
    List<Client> refused = group.stream().filter(c -> c.refusal != null).toList();
    boolean carried = up.stream().anyMatch(c -> c.requests.stream().anyMatch(c::answered));
    if (up.size() == 1 && !refused.isEmpty() && carried) {
      return Judgement.pass(
          r,
          "the IUT refused the overlapping tunnel: "
              + refused.get(0).name()
              + "'s Quick Mode for inner address "
              + address
              + " was answered with a notification ("
              + refused.get(0).refusal.ref()
              + "), and "
              + up.get(0).name()
              + "'s tunnel carried its replies (RFC 3948 5.2 names disallowing conflicting"
              + " connections as a way)",
          List.of());
    }
    return Judgement.inconclusive(
        r,
        "of the clients with inner address "
            + address
            + ", "
            + up.size()
            + " sent echo requests through a tunnel; both must, after both Quick Modes, for the"
            + " IUT's handling of the overlap to show");
  }

  /** Takes one entry of a client's point: its echo requests and replies, its Quick Mode. */
  private static void read(Client c, TraceEntry e) {
    if (e.view() instanceof PacketView.Esp esp && esp.inner().isPresent()) {
      echo(e, esp.inner().get())
          .ifPresent(
              x -> {
                if (e.direction() == Direction.SENT && x.type() == IcmpMessage.ECHO_REQUEST) {
                  c.requests.add(x);
                } else if (e.direction() == Direction.RECEIVED
                    && x.type() == IcmpMessage.ECHO_REPLY) {
                  c.replies.add(x);
                }
              });
      return;
    }
    if (e.direction() == Direction.RECEIVED && e.view() instanceof PacketView.Ike) {
      c.ikeReceived.add(e);
    }
    if (!(e.view() instanceof PacketView.Ike ike) || !ike.decrypted()) {
      return;
    }
    int ex = ike.header().exchangeType();
    if (e.direction() == Direction.SENT
        && ex == ExchangeType.QUICK.code()
        && c.quickModeId == null) {
      List<IdPayload> ids = ike.all(IdPayload.class);
      if (!ids.isEmpty()
          && ids.get(0).idType() == IdPayload.ID_IPV4_ADDR
          && ids.get(0).data().length == 4) {
        c.quickModeId = ids.get(0).data();
        c.quickMode = e;
      }
    } else if (e.direction() == Direction.RECEIVED
        && ex == ExchangeType.INFORMATIONAL.code()
        && c.quickMode != null
        && c.refusal == null
        && ike.all(NotificationPayload.class).stream().anyMatch(n -> n.notifyType() < ERROR_TYPES)
        && e.datagram().monoNanos() >= c.quickMode.datagram().monoNanos()) {
      c.refusal = e;
    }
  }

  private static Optional<Echo> echo(TraceEntry e, byte[] inner) {
    return Checks.echo(inner)
        .map(
            x ->
                new Echo(
                    e,
                    x.icmp().type(),
                    x.ip().src(),
                    x.ip().dst(),
                    x.icmp().echoId(),
                    x.icmp().echoSeq()));
  }

  private static String addr(byte[] a) {
    return (a[0] & 255) + "." + (a[1] & 255) + "." + (a[2] & 255) + "." + (a[3] & 255);
  }
}
