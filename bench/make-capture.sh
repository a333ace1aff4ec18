#!/bin/sh
# Builds bench/data/big.pcap, about a million real Ethernet packets, by
# concatenating captures from the shared data set (mergecap, from Debian's
# wireshark-common). usage: bench/make-capture.sh [DATA_DIR] [COPIES]
set -eu
data=${1:-"$(dirname "$0")/../../shared/data"}
copies=${2:-40}
out="$(dirname "$0")/data"
mkdir -p "$out"
p="$data/pcap"
set -- "$p/pcapplusplus/Pcap++Test/PcapExamples/example.pcap" \
       "$p/pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap" \
       "$p/zeek/modbus/modbusBig.pcap" \
       "$p/zeek/http/1000-requests-one-dropped-response.pcap" \
       "$p/zeek/ftp/cwd-navigation.pcap"
list=""
i=0
while [ "$i" -lt "$copies" ]; do
    list="$list $*"
    i=$((i + 1))
done
# shellcheck disable=SC2086
mergecap -a -F pcap -w "$out/big.pcap" $list
capinfos -c "$out/big.pcap" | tail -1
