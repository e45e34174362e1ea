import http from "k6/http";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

export const options = {
  scenarios: {
    shared: {
      executor: "shared-iterations",
      vus: 4,
      iterations: 40,
      maxDuration: "1m",
      exec: "work",
    },
    per_vu: {
      executor: "per-vu-iterations",
      vus: 2,
      iterations: 3,
      startTime: "1.5s",
      exec: "work",
    },
    constant: {
      executor: "constant-vus",
      vus: 3,
      duration: "20s",
      gracefulStop: "5s",
    },
    ramping: {
      executor: "ramping-vus",
      startVUs: 1,
      stages: [
        { duration: "10s", target: 5 },
        { duration: "1.5ms", target: 0 },
      ],
      gracefulRampDown: "0s",
      env: { MODE: "ramp" },
    },
    car: {
      executor: "constant-arrival-rate",
      rate: 3,
      timeUnit: "2s",
      duration: "30s",
      preAllocatedVUs: 2,
      maxVUs: 6,
    },
    rar: {
      executor: "ramping-arrival-rate",
      startRate: 1,
      timeUnit: "1m",
      preAllocatedVUs: 3,
      stages: [
        { duration: "15s", target: 60 },
        { duration: "25h", target: 0 },
      ],
    },
    external: {
      executor: "externally-controlled",
      vus: 1,
      maxVUs: 4,
      duration: "1m",
      tags: { control: "manual" },
    },
  },
  thresholds: {
    http_req_duration: ["p(99.9)<=250.5"],
    'http_req_duration{team:it\'s "quoted" `${x` \\ \u2028 ✓}': [
      "avg<0.30000000000000004",
    ],
    http_reqs: ["count==1000000000000000"],
    checks: [
      {
        threshold: "rate!=0.3333333333333333",
        abortOnFail: true,
        delayAbortEval: "10s",
      },
    ],
    vus: ["value>=1"],
    iteration_duration: ["min>0", "max===0.0000001", "med<5"],
  },
  paused: false,
  executionSegment: "0:1/3",
  executionSegmentSequence: "0,1/3,1",
  noSetup: false,
  noTeardown: true,
  setupTimeout: "30s",
  teardownTimeout: "2.5s",
  rps: 100,
  dns: { ttl: "5m", select: "roundRobin", policy: "preferIPv6" },
  maxRedirects: 3,
  userAgent: 'k6dsl "agent"',
  batch: 10,
  batchPerHost: 4,
  httpDebug: "full",
  insecureSkipTLSVerify: true,
  tlsCipherSuites: ["TLS_AES_128_GCM_SHA256"],
  tlsVersion: { min: "tls1.2", max: "tls1.3" },
  tlsAuth: [
    {
      domains: ["example.com"],
      cert: open("./data/tls-auth-0-cert.pem"),
      key: "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg68kTl+2QBUZl9Fdg\nFOcsjMQk6ii8ks1Iij4FvCv0/gKhRANCAATSpXbR387LmlOJFYXvpXhG5wwViVaU\nYTpf+/dEwlM5H1u0P+NnbHCo9QFzb6208hqgTaL8GWAdT0oG+70IDWeQ\n-----END PRIVATE KEY-----\n",
      password: __ENV.KEY_PASSWORD,
    },
  ],
  throw: false,
  blacklistIPs: ["10.0.0.0/8"],
  blockHostnames: ["*.internal"],
  hosts: {
    "shop.local": "127.0.0.1:3300",
    "v6.local": "::1",
  },
  noConnectionReuse: false,
  noVUConnectionReuse: true,
  minIterationDuration: "1s",
  ext: {
    loadimpact: {
      name: "x",
      n: 1.5,
    },
  },
  summaryTrendStats: ["avg", "min", "med", "max", "count", "p(99.99)"],
  summaryTimeUnit: "ms",
  systemTags: [
    "proto",
    "subproto",
    "status",
    "method",
    "url",
    "name",
    "group",
    "check",
    "error",
    "error_code",
    "tls_version",
    "scenario",
    "service",
    "expected_response",
    "iter",
    "vu",
    "ocsp_status",
    "ip",
  ],
  tags: { team: "checkout" },
  metricSamplesBufferSize: 1000,
  noCookiesReset: true,
  discardResponseBodies: true,
};

export default function () {
  http.get(`${BASE_URL}/health`, {
    tags: { name: "health", endpoint: "health" },
  });
}

export function work() {
  http.get(`${BASE_URL}/health`, {
    tags: { name: "health", endpoint: "health" },
  });
}
