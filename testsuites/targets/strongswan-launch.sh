#!/bin/sh
# Starts strongSwan's charon as the IUT, the way a user would start any IKE daemon through
# launch: { command: ... } (see strongswan-command.yaml and the contract in
# remote-device.template.yaml). It runs as root in the IUT's network namespace, in a mount
# namespace of its own with a private /run, and stays in the foreground until it is stopped.
# Everything it needs to know comes from the NATT_* variables.
set -eu
umask 077

run=/run/natt-strongswan              # the private /run: nothing else on the machine sees it
vici="unix://$run/charon.vici"
conf="$NATT_WORKDIR/strongswan.conf"
mkdir -p "$run"

# What this charon accepts when the profile does not list proposals (as the bundled one).
phase1=${NATT_PHASE1_PROPOSALS:-aes128-sha256-modp2048,aes128-sha1-modp2048,aes256-sha256-modp2048,aes256-sha1-modp2048,aes128-sha1-modp1536,3des-sha1-modp1024,3des-md5-modp1024,aes192-sha384-ecp256,aes256-sha512-ecp384,aes128-sha256-modp3072}
# dead-peer detection (RFC 3706) only where the scenario plays dead: NATT_DPD_DELAY/TIMEOUT set
dpd=""
dpd_action=""
if [ -n "${NATT_DPD_DELAY:-}" ]; then
  dpd="dpd_delay = ${NATT_DPD_DELAY}s
    dpd_timeout = ${NATT_DPD_TIMEOUT:-4}s"
  dpd_action="dpd_action = clear"
fi
esp=${NATT_ESP_PROPOSALS:-aes128-sha256,aes128-sha1,aes256-sha256,aes256-sha1,3des-sha1,aes192-sha512,aes256-sha384,aes128gcm16,aes256gcm16}
# the key as hex, so that any byte in it survives the configuration syntax
psk=0x$(od -An -tx1 -v "$NATT_PSK_FILE" | tr -d ' \n')

# ESP in user space (kernel-libipsec over a TUN device): this kernel has no ESP.
cat > "$conf" <<CONF
charon {
  load_modular = no
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  load = random nonce openssl sha1 sha2 aes hmac pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
  install_routes = yes
  retransmit_tries = 3
  keep_alive = ${NATT_KEEPALIVE_INTERVAL:-2}s
  filelog {
    log {
      path = $NATT_LOG
      default = 1
      ike = 2
      net = 2
      enc = 1
      cfg = 1
      flush_line = yes
      time_format = %H:%M:%S
    }
  }
  plugins {
    vici {
      socket = $vici
    }
  }
}
swanctl {
  load = pem pkcs1 x509 revocation constraints pubkey openssl random
}
CONF

# The profile claims ikev1-aggressive: a second connection, the same but for Aggressive Mode
# (charon picks a peer config by exchange; one with aggressive = yes refuses Main Mode PSK).
# Scenarios with further clients behind the harness's NAT give client N the identity
# client-N.<harness id>, with the same key: two more connections accept *.<harness id>.
# one connection: its name, any extra line (aggressive = yes), the identity it accepts
connection() {
  cat <<CONN
  $1 {
    version = 1
    $dpd
    $2
    local_addrs = ${NATT_IUT_ADDRESS%/*}
    proposals = $phase1
    local {
      auth = psk
      id = $NATT_IUT_ID
    }
    remote {
      auth = psk
      id = $3
    }
    children {
      net {
        local_ts = $NATT_PROTECTED
        remote_ts = $NATT_HARNESS_INNER_NET
        esp_proposals = $esp
        mode = tunnel
        $dpd_action
      }
      host {
        local_ts = dynamic
        remote_ts = dynamic
        esp_proposals = $esp
        mode = transport
      }
    }
  }
CONN
}

cat > "$NATT_WORKDIR/swanctl.conf" <<CONF
connections {
$(connection harness "" "$NATT_HARNESS_ID")
$(connection clients "" "*.$NATT_HARNESS_ID")
$(connection harness-am "aggressive = yes" "$NATT_HARNESS_ID")
$(connection clients-am "aggressive = yes" "*.$NATT_HARNESS_ID")
}
secrets {
  ike-harness {
    id-1 = $NATT_HARNESS_ID
    id-2 = $NATT_IUT_ID
    id-3 = *.$NATT_HARNESS_ID
    secret = $psk
  }
}
CONF

# charon opens UDP 500 on every address before swanctl can load the connection. The suite
# counts the IUT as ready when UDP 500 listens on NATT_IUT_ADDRESS, so the address stays off
# the interface until the connection is loaded: an IKE packet never meets a charon without it.
ip addr del "$NATT_IUT_ADDRESS" dev "$NATT_IUT_DEV"

export STRONGSWAN_CONF="$conf"
/usr/lib/ipsec/charon &
charon=$!

tries=0
until swanctl --stats --uri "$vici" >/dev/null 2>&1; do
  kill -0 "$charon" 2>/dev/null || { echo "charon exited" >&2; exit 1; }
  tries=$((tries + 1))
  [ "$tries" -lt 150 ] || { echo "charon did not open its VICI socket in 15 s" >&2; exit 1; }
  sleep 0.1
done
swanctl --load-all --file "$NATT_WORKDIR/swanctl.conf" --uri "$vici"
ip addr add "$NATT_IUT_ADDRESS" dev "$NATT_IUT_DEV"

# In the foreground until the suite ends the process group: its SIGTERM reaches charon too. The
# trap keeps this shell alive until charon has exited, so that the shell reaps it (an orphan
# would wait for init to reap it, and the suite waits until no process of the group is left).
trap : TERM INT
code=0
wait "$charon" || code=$?
while kill -0 "$charon" 2>/dev/null; do
  wait "$charon" || code=$?
done
exit "$code"
