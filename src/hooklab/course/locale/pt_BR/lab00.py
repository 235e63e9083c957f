"""pt-BR: the checks of lab 00 (lab00.py, hidden/lab00.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "a hooklab stack": "uma stack do hooklab",
    "run the cell that starts `stack` first": "rode antes a célula que inicia a `stack`",
    "run the cell with `stack = hooklab.start(...)` again": "rode de novo a célula com `stack = hooklab.start(...)`",
    "a hooklab.Stack": "um hooklab.Stack",
    "return what hooklab.start(...) returns": "devolva o que hooklab.start(...) devolve",
    "do not stop it": "não pare a stack",
    "the virtual clock": "o relógio virtual",
    'pass clock="virtual"': 'passe clock="virtual"',
    "pass seed=7": "passe seed=7",
    "seed 7, virtual clock: every run of this notebook sees the same names, ids and times":
        "seed 7, relógio virtual: toda execução deste notebook vê os mesmos nomes, ids e horários",
    "one new event for sign_up(stack, {email!r})": "um evento novo para sign_up(stack, {email!r})",
    "{n} new events": "{n} eventos novos",
    'call stack.fire("newsletter.subscribed", email=email) once':
        'chame stack.fire("newsletter.subscribed", email=email) uma vez',
    "a newsletter.subscribed event": "um evento newsletter.subscribed",
    "a {type} event": "um evento {type}",
    "the first argument of stack.fire is the event type": "o primeiro argumento de stack.fire é o tipo do evento",
    "the id stack.fire returned ({id!r})": "o id que stack.fire devolveu ({id!r})",
    "return what stack.fire(...) returns": "devolva o que stack.fire(...) devolve",
    "the webhook delivered before sign_up returns": "o webhook entregue antes de sign_up retornar",
    "delivery {state!r}": "entrega {state!r}",
    "call stack.wait() after stack.fire(...)": "chame stack.wait() depois de stack.fire(...)",
    "{email} in stack.crm.contacts()": "{email} em stack.crm.contacts()",
    "{n} contacts without it": "{n} contatos, sem ele",
    "pass email=email to stack.fire": "passe email=email para stack.fire",
    "fired, delivered, and in the CRM before you looked": "disparado, entregue e já no CRM antes de você olhar",
    "a dict of headers": "um dict de headers",
    'stack.dispatcher.attempt_detail(attempt_id)["request_headers"] is one':
        'stack.dispatcher.attempt_detail(attempt_id)["request_headers"] é um',
    "the webhook-id, webhook-timestamp and webhook-signature headers":
        "os headers webhook-id, webhook-timestamp e webhook-signature",
    "a dict without {missing}": "um dict sem {missing}",
    "return the whole request_headers dict": "devolva o dict request_headers inteiro",
    "the headers sent for event {id}": "os headers enviados para o evento {id}",
    "pick the row of stack.deliveries() whose event_id is the one given":
        "escolha a linha de stack.deliveries() cujo event_id é o que a função recebeu",
    "headers whose signature verifies with the stack's secret": "headers cuja assinatura confere com o secret da stack",
    "return the headers exactly as they were sent": "devolva os headers exatamente como foram enviados",
    "webhook-id is the event's id, and the signature proves who sent it":
        "o webhook-id é o id do evento, e a assinatura prova quem o enviou",
    "sign_up(stack, {email!r}) to return once the webhook is delivered, even when the receiver is down at first and "
    "only a retry gets through": "que sign_up(stack, {email!r}) só retorne com o webhook entregue, mesmo quando o "
                                 "receiver está fora do ar no início e só um retry consegue passar",
    "delivery {state!r} when sign_up returned": "entrega {state!r} quando sign_up retornou",
    "stack.wait() waits for every retry; a fixed stack.advance(...) or time.sleep(...) does not":
        "stack.wait() espera todos os retries; um stack.advance(...) ou time.sleep(...) de tempo fixo, não",
    "{email} in the CRM after a retried delivery": "{email} no CRM depois de uma entrega com retry",
    "no such contact": "nenhum contato com esse email",
    "one new event, and its id returned, when {email} signs up a second time":
        "um evento novo, com o id dele devolvido, quando {email} se cadastra pela segunda vez",
    "{n} new event(s) {ids}; sign_up returned {got}": "{n} evento(s) novo(s) {ids}; sign_up devolveu {got}",
    "fire exactly one event per call and return the id stack.fire gives you":
        "dispare exatamente um evento por chamada e devolva o id que stack.fire lhe dá",
    "an event fired before another one": "um evento disparado antes de outro",
    "an event whose first attempt failed and was retried": "um evento cuja primeira tentativa falhou e teve retry",
    "a dict of headers for {what}": "um dict de headers para {what}",
    "the headers of event {id} ({what})": "os headers do evento {id} ({what})",
    "keep the rows of stack.deliveries() whose event_id is the one given, not the last row":
        "fique com as linhas de stack.deliveries() cujo event_id é o que a função recebeu, não com a última linha",
    "the first attempt's headers (webhook-timestamp {timestamp}) for {what}":
        "os headers da primeira tentativa (webhook-timestamp {timestamp}) para {what}",
    "each retry is signed again at its own moment; take the first of the event's rows (.iloc[0])":
        "cada retry é assinado de novo no seu próprio momento; pegue a primeira das linhas do evento (.iloc[0])",
    "the headers exactly as the first attempt sent them, for {what}":
        "os headers exatamente como a primeira tentativa os enviou, para {what}",
    "return attempt_detail(...)['request_headers'] as it is": "devolva attempt_detail(...)['request_headers'] como está",
}
