# Shared by the bench scripts that drive `offen serve` with bench/LoadGen (sourced from the repository root).

# Builds offen and LoadGen in Release unless NO_BUILD is set, and names their executables BIN and LOADGEN.
bench_build() {
  if [ -z "${NO_BUILD:-}" ]; then
    dotnet build src/Offen -c Release -nologo -v q >/dev/null
    dotnet build bench/LoadGen -c Release -nologo -v q >/dev/null
  fi
  BIN=$PWD/src/Offen/bin/Release/net10.0/offen
  LOADGEN=$PWD/bench/LoadGen/bin/Release/net10.0/LoadGen
}

# A free TCP port on 127.0.0.1.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits up to 60 s for /healthz on 127.0.0.1:<port> to answer 200.
health() {
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "bench: :$1 not healthy" >&2; return 1
}
