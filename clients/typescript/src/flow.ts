/**
 * An example flow through the suite's gateway, written only against the types generated from
 * its merged OpenAPI (`src/api.d.ts`, see README.md), with openapi-fetch:
 *
 * 1. a unit liaison and a finance approver sign in (`POST /auth/token`, password grant);
 * 2. the liaison lists its unit's staff (national ID numbers come masked);
 * 3. the liaison raises a payment on one of its unit's budget lines and may not approve it;
 * 4. the approver, another person (maker–checker), approves it and submits it to the treasury;
 * 5. once it is settled, the liaison downloads its unit's ledger as CSV and finds the payment.
 *
 * Usage: `node dist/flow.js [GATEWAY_URL]` with the URL (or `FLOW_GATEWAY_URL`) and
 * `FLOW_LIAISON=username:password`, `FLOW_APPROVER=username:password` in the environment;
 * optional: `FLOW_AMOUNT` (default 321.00), `FLOW_SETTLE_SECONDS` (default 30).
 *
 * Rules: any status or shape other than the expected one stops the flow with exit code 1 and
 * a line on stderr naming the step; on success it prints one JSON summary line on stdout.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./api.js";

type Api = Client<paths>;
type Payment = components["schemas"]["Finance_PaymentPublic"];
type Person = { username: string; password: string };

class FlowFailed extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowFailed(message);
}

/** The body of an answer with exactly `status`; anything else stops the flow. */
function expectStatus<T>(
  step: string,
  status: number,
  answer: { data?: T; error?: unknown; response: Response },
): T {
  const got = answer.response.status;
  check(got === status, `${step}: expected ${status}, got ${got} ${JSON.stringify(answer.error)}`);
  check(answer.data !== undefined, `${step}: ${status} without a body`);
  return answer.data;
}

function person(variable: string): Person {
  const value = process.env[variable] ?? "";
  const colon = value.indexOf(":");
  check(colon > 0, `${variable} must be username:password`);
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function cents(money: string): number {
  check(/^\d+(\.\d{1,2})?$/.test(money), `not an amount of money: ${JSON.stringify(money)}`);
  const [whole = "0", fraction = ""] = money.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Rows of an RFC 4180 CSV text (quoted fields may hold commas, quotes and line breaks). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ",") endField();
    else if (!quoted && c === "\n") {
      endField();
      rows.push(row);
      row = [];
    } else if (quoted || c !== "\r") field += c;
  }
  if (field || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

async function signIn(baseUrl: string, who: Person): Promise<Api> {
  const anonymous = createClient<paths>({ baseUrl });
  const token = expectStatus(
    `sign in as ${who.username}`,
    200,
    await anonymous.POST("/auth/token", {
      // a form, not JSON: openapi-fetch encodes the body by this header
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: { grant_type: "password", username: who.username, password: who.password },
    }),
  );
  check(token.access_token.length > 0, `sign in as ${who.username}: an empty token`);
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token.access_token}` },
  });
}

/** The id of a payment just raised: the spec declares no schema for that 201 body. */
function raisedId(body: unknown): string {
  check(typeof body === "object" && body !== null, "raise: the body is no object");
  const id: unknown = (body as Record<string, unknown>).id;
  check(typeof id === "string" && id.length > 0, "raise: the body has no id");
  return id;
}

async function payment(api: Api, id: string, step: string): Promise<Payment> {
  return expectStatus(
    step,
    200,
    await api.GET("/api/finance/payments/{payment_id}", { params: { path: { payment_id: id } } }),
  );
}

async function settled(api: Api, id: string, seconds: number): Promise<Payment> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const now = await payment(api, id, "follow the payment");
    if (now.status === "settled") return now;
    const ended = ["failed", "returned", "rejected", "cancelled"].includes(now.status);
    check(!ended, `the payment ended ${now.status}`);
    check(Date.now() < deadline, `not settled within ${seconds} s (still ${now.status})`);
    await new Promise((wake) => setTimeout(wake, 200));
  }
}

async function main(): Promise<void> {
  const gateway = (process.argv[2] ?? process.env.FLOW_GATEWAY_URL ?? "").replace(/\/+$/, "");
  check(/^https?:\/\//.test(gateway), "give the gateway URL as argument or FLOW_GATEWAY_URL");
  const amount = process.env.FLOW_AMOUNT ?? "321.00";
  const liaison = await signIn(gateway, person("FLOW_LIAISON"));
  const approver = await signIn(gateway, person("FLOW_APPROVER"));

  const me = expectStatus("who am I", 200, await liaison.GET("/auth/me"));
  const unit = me.unit_id;
  check(me.roles.includes("unit_liaison") && unit, "FLOW_LIAISON must be a liaison of a unit");
  const checker = expectStatus("who approves", 200, await approver.GET("/auth/me"));
  check(checker.roles.includes("finance_approver"), "FLOW_APPROVER must be a finance approver");
  check(checker.sub !== me.sub, "the approver must be another person than the liaison");

  const staff = expectStatus(
    "list staff",
    200,
    await liaison.GET("/api/personnel/staff", { params: { query: { limit: 200 } } }),
  );
  check(staff.items.length > 0, "the liaison's unit has no staff");
  for (const s of staff.items) {
    check(s.posting?.unit_id === unit, `staff ${s.staff_no} is outside the liaison's unit`);
    check(/^\*+.{4}$/.test(s.national_id), `national ID of ${s.staff_no} is not masked`);
  }

  const lines = expectStatus(
    "budget lines",
    200,
    await liaison.GET("/api/finance/appropriations", { params: { query: { unit_id: unit } } }),
  );
  const newest = [...lines.items].sort((a, b) => b.fiscal_year - a.fiscal_year);
  const line = newest.find((l) => cents(l.available) >= cents(amount));
  check(line, `no budget line of the unit has ${amount} available`);

  const raised = await liaison.POST("/api/finance/payments", {
    body: {
      unit_id: unit,
      method: "direct",
      appropriation_id: line.id,
      payee_name: "Stationer",
      payee_account: "6222020200001111",
      payee_bank: "ICBC",
      amount,
      purpose: "Paper for the typed client",
    },
  });
  const id = raisedId(expectStatus("raise a payment", 201, raised));
  const requested = await payment(liaison, id, "read the payment");
  check(requested.status === "requested" && requested.requested_by === me.sub, "not requested");
  check(!requested.needs_director, `${amount} needs a director too; use a smaller FLOW_AMOUNT`);

  const path = { payment_id: id };
  const refused = await liaison.POST("/api/finance/payments/{payment_id}/approve", {
    params: { path },
  });
  check(refused.response.status === 403, `the liaison approved: ${refused.response.status}`);
  check(refused.error?.code, "a refusal names its code");

  const approved = expectStatus(
    "approve",
    200,
    await approver.POST("/api/finance/payments/{payment_id}/approve", {
      params: { path, header: { "if-match": `"${requested.version}"` } },
    }),
  );
  check(approved.status === "approved" && approved.approved_by === checker.sub, "not approved");
  const submitted = expectStatus(
    "submit",
    202,
    await approver.POST("/api/finance/payments/{payment_id}/submit", { params: { path } }),
  );
  check(["submitting", "submitted", "accepted", "settled"].includes(submitted.status), "submit");
  const paid = await settled(liaison, id, Number(process.env.FLOW_SETTLE_SECONDS ?? "30"));
  check(paid.settled_on, "settled without a day");

  const exported = await liaison.GET("/api/finance/ledger/export", {
    params: { query: { date_from: paid.settled_on, date_to: paid.settled_on, format: "csv" } },
    parseAs: "text",
  });
  const csv = expectStatus("export the ledger", 200, exported);
  const kind = exported.response.headers.get("content-type") ?? "";
  check(kind.startsWith("text/csv"), `the export is ${kind}`);
  const [header = [], ...rows] = csvRows(csv);
  const column = (name: string): number => {
    const at = header.indexOf(name);
    check(at >= 0, `the export has no column ${name}`);
    return at;
  };
  const [memo, debit, credit] = [column("entry_memo"), column("debit"), column("credit")];
  const ours = rows.filter((r) => r[memo]?.startsWith(`Payment ${paid.number} to `));
  const total = (at: number): number => ours.reduce((sum, r) => sum + cents(r[at] ?? ""), 0);
  check(ours.length >= 2, `the export holds ${ours.length} lines of payment ${paid.number}`);
  check(total(debit) === cents(amount) && total(credit) === cents(amount), "unbalanced export");

  const summary = {
    staff: staff.total,
    payment: paid.number,
    amount: paid.amount,
    status: paid.status,
    refused: refused.error.code,
    approved_by: checker.username,
    ledger_lines: ours.length,
  };
  console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(`flow failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
