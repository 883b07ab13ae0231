#!/usr/bin/env bash
# The API walkthrough of docs/api.md, step by step: one proposal of 西湾村 from intake (议题受理) to archived
# (归档), each step done by the demo user whose role it is. Needs a server started with --demo (its clock
# may be moved, so notice and disclosure periods pass in seconds) and curl.
#   dotnet run --project src/LinxianWorkflow.Server -- --demo      # in one terminal
#   bash docs/walkthrough.sh [http://127.0.0.1:5080]                 # in another
set -euo pipefail
URL="${1:-http://127.0.0.1:5080}"
VILLAGE="141124/141124109/141124109207"

# field NAME JSON: the first "NAME": value in JSON (string or number), enough for these answers.
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$2" | head -n 1; }

call() { # call METHOD PATH TOKEN [BODY] → prints the body; fails on any status but 2xx.
  local method=$1 path=$2 token=$3 body=${4:-}
  local args=(-sS -X "$method" "$URL$path" -H "Authorization: Bearer $token" -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local out; out=$(curl "${args[@]}")
  local status=${out##*$'\n'}; out=${out%$'\n'*}
  if [[ "$status" != 2* ]]; then echo "HTTP $status on $method $path: $out" >&2; exit 1; fi
  printf '%s' "$out"
}

login() { # a 12-hour session token, exchanged for a 90-day script token, as a script should
  local session; session=$(field token "$(curl -sS -X POST "$URL/api/auth/login" -H 'Content-Type: application/json' -d "{\"userName\":\"$1\",\"password\":\"linxian-demo\"}")")
  field token "$(call POST /api/tokens "$session" '{"name":"walkthrough","days":90}')"
}
advance() { field now "$(call POST /api/admin/clock "$ADMIN" "{\"advanceDays\":$1}")"; }
entered() { field enteredAt "$(call GET "/api/proposals/$ID" "$SECRETARY")"; }
act() { # act TOKEN ACTION BODY; a 409 (a timer fired at the same moment) is tried again, as any client would
  local out
  for attempt in 1 2 3; do
    if out=$(call POST "/api/proposals/$ID/actions/$2" "$1" "$3" 2>/tmp/walkthrough-error); then break; fi
    grep -q '^HTTP 409' /tmp/walkthrough-error && [[ $attempt -lt 3 ]] || { cat /tmp/walkthrough-error >&2; exit 1; }
  done
  echo "  $2 → version $(field version "$out"), now at $(field currentStep "$out")"
}
meeting() { # meeting TOKEN STEP KIND NOTICE_DAYS MEMBERS ATTENDEE
  local since; since=$(entered)
  local held; held=$(advance $(($4 + 1)))
  local notice=null; [[ "$4" -gt 0 ]] && notice="\"$since\""
  local attendee=null; [[ "$6" == yes ]] && attendee='"孙干部"'
  act "$1" record-meeting "{\"stepId\":\"$2\",\"record\":{\"meetingKind\":\"$3\",\"heldAt\":\"$held\",\"noticeGivenAt\":$notice,\"members\":$5,\"exclusions\":[],\"present\":$(($5 - 1)),\"yes\":$(($5 - 2)),\"no\":1,\"abstain\":0,\"minutes\":\"会议记录：议程、讨论、表决结果。\",\"townshipAttendee\":$attendee}}"
}
disclose() { # disclose STEP
  act "$SUPERVISOR" countersign "{\"stepId\":\"$1\",\"opinion\":\"同意公开\"}"
  act "$CHAIR" publish "{\"stepId\":\"$1\",\"noticeText\":\"公示：硬化村内主干道800米\",\"channels\":[\"公开栏\",\"网上公开\"]}"
  advance 12 >/dev/null
  act "$CHAIR" close-disclosure "{\"stepId\":\"$1\"}"
}

echo "Signing in the demo users of 西湾村 and 碛口镇"
SECRETARY=$(login xiwan-secretary); CHAIR=$(login xiwan-chair); SUPERVISOR=$(login xiwan-supervisor)
REVIEWER=$(login reviewer-109); ADMIN=$(login admin)

echo "议题受理: the party secretary registers the matter"
ID=$(field proposalId "$(call POST /api/proposals "$SECRETARY" "{\"villagePath\":\"$VILLAGE\",\"title\":\"硬化村内主干道800米\",\"summary\":\"拟使用集体资金硬化村内主干道800米，预算4.8万元。\",\"category\":\"public-welfare\",\"amountYuan\":48000,\"source\":\"villager-suggestion\"}")")
echo "  proposal $ID"
act "$SECRETARY" complete-task '{"stepId":"intake","outcome":"accepted"}'

echo "一议 党组织提议 · 二议 两委商议 · 监委核议 · 乡镇审核"
meeting "$SECRETARY" branch-proposal branch-committee 0 7 no
meeting "$SECRETARY" two-committee-deliberation two-committee 0 9 no
act "$SUPERVISOR" complete-task '{"stepId":"supervision-check","outcome":"endorsed"}'
act "$REVIEWER" review '{"stepId":"township-review","decision":"approve","reasons":"符合规划，同意。"}'

echo "三议 党员大会审议 · 四议 村民代表会议决议"
meeting "$SECRETARY" party-member-review party-members 3 42 yes
meeting "$CHAIR" villager-resolution villager-representatives 5 31 yes

echo "决议公开 · 实施 · 结果公开"
disclose resolution-disclosure
act "$CHAIR" report-progress '{"stepId":"implementation","stage":"after","summary":"工程完工，验收合格。","costYuan":47500,"disclose":true}'
act "$CHAIR" complete-implementation '{"stepId":"implementation","summary":"按方案完成。","totalCostYuan":47500}'
disclose result-disclosure

VIEW=$(call GET "/api/proposals/$ID" "$SECRETARY")
HISTORY=$(call GET "/api/proposals/$ID/history" "$(login auditor)")
echo "Result: status $(field status "$VIEW"), $(field result "$VIEW"); history intact: $(field intact "$HISTORY")"
[[ "$(field result "$VIEW")" == archived && "$(field intact "$HISTORY")" == true ]]
