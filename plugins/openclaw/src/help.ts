// The help texts, pure. plugin.yaml carries the short versions for `helm help openclaw`.
import type { CommandName } from './args.js';

const CONNECTION = `Connection (cluster access is the default):
  -n, --namespace NS     namespace of the instances (default: helm's -n, else OPENCLAW_NAMESPACE,
                         else openclaw; helm's own "default" counts as unset)
      --manager-url URL  go through the manager instead (env OPENCLAW_MANAGER_URL)
      --api-key KEY      the manager's API key (prefer env OPENCLAW_MANAGER_API_KEY)
      --kubeconfig FILE  kubeconfig (default: helm's KUBECONFIG, else ~/.kube/config)
      --kube-context CTX kubeconfig context (default: helm's --kube-context)
      --no-color         plain output (also NO_COLOR)
      --debug            stack traces on errors (also helm --debug / HELM_DEBUG)
  -h, --help             this help`;

const OVERVIEW = `helm openclaw: work with one user's OpenClaw instance

Usage:
  helm openclaw <command> <userId> [options]

Commands:
  pair <userId>                  link WhatsApp: draw the QR in the terminal and wait for the scan
  status <userId>                WhatsApp link state of the instance
  rpc <userId> <method> [json]   call any gateway method, e.g. health, status, channels.status
  vnc <userId>                   port-forward the instance's browser screen (noVNC) and print its URL
  upgrade-all --image-tag T      roll every instance to a new image tag through the manager

Without --manager-url the plugin uses the cluster like helm does: it finds the pod labelled
openclaw.ai/user=<userId>, reads the gateway token from Secret <userId>-openclaw and port-forwards.

Run "helm openclaw <command> --help" for a command's options.`;

const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  pair: `helm openclaw pair: link WhatsApp to a user's instance

Usage:
  helm openclaw pair <userId> [--force] [--timeout 3m] [options]

Draws the WhatsApp QR in the terminal. Open WhatsApp on the phone, Settings > Linked Devices >
Link a device, and scan it. The QR is redrawn when WhatsApp rotates it (about every 20 s); a login
expires after 3 minutes. Exits 0 once linked (or when already linked), 1 when the QR expires, the
time runs out or the login fails, 130 on Ctrl-C.

Options:
      --force            link again even when already linked (drops the current link)
      --timeout DUR      give up after DUR (default 3m; e.g. 90s, 2m30s)

${CONNECTION}`,
  status: `helm openclaw status: WhatsApp link state of a user's instance

Usage:
  helm openclaw status <userId> [--json] [options]

Options:
      --json             print the state as JSON

${CONNECTION}`,
  rpc: `helm openclaw rpc: call a gateway method on a user's instance

Usage:
  helm openclaw rpc <userId> <method> [json-params] [--timeout 30s] [options]

Prints the gateway's answer as JSON. Examples:
  helm openclaw rpc alice health
  helm openclaw rpc alice channels.status '{"channel":"whatsapp"}'

Options:
      --timeout DUR      how long to wait for the answer (default 30s)

${CONNECTION}`,
  vnc: `helm openclaw vnc: open a user's browser screen

Usage:
  helm openclaw vnc <userId> [--port P] [options]

Port-forwards the instance's noVNC port (6080) to 127.0.0.1 and prints the URL to open, e.g.
http://127.0.0.1:6080/vnc.html. Runs until Ctrl-C. Needs cluster access (not the manager).

Options:
      --port P           local port (default: a free one)

${CONNECTION}`,
  'upgrade-all': `helm openclaw upgrade-all: roll every instance to a new image tag

Usage:
  helm openclaw upgrade-all --image-tag T [--max-unavailable N] [--users a,b] [--timeout 10m] --manager-url URL

Starts the manager's fleet upgrade (POST /api/fleet/upgrade) and follows it: at most N instances are
upgrading (so unavailable) at once, each one waited for until ready; the first failure stops the
roll and the instances not yet started are skipped. Prints each instance's result as it comes and
a summary; exits 0 when none failed, 1 otherwise. Ctrl-C stops following, not the upgrade.

Manager only: it needs --manager-url (or OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY. Without
a manager, scripts/deploy-user.sh upgrade-all <imageTag> [maxUnavailable] does the same with helm.

Options:
      --image-tag T        the tag to roll to (required)
      --max-unavailable N  instances upgrading at once, 1-50 (default 1)
      --users a,b          only these instances, in this order (default: all)
      --timeout DUR        how long one instance may take to be ready (default 10m; 10s-1h)

${CONNECTION}`,
};

export function helpText(topic?: CommandName): string {
  return `${topic ? COMMAND_HELP[topic] : OVERVIEW}\n`;
}
