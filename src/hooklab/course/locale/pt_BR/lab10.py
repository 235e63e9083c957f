"""pt-BR: the checks of lab 10 (lab10.py, hidden/lab10.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # The lab's stack
    "the lab's retry schedule {schedule}": "o cronograma de retries do lab {schedule}",
    "run the first code cell of the lab again": "rode de novo a primeira célula de código do lab",
    "a receiver that deduplicates": "um receiver que deduplica",
    "stack.receiver.dedup = False": "stack.receiver.dedup = False",
    "set stack.receiver.dedup = True (or run the first code cell of the lab again)":
        "defina stack.receiver.dedup = True (ou rode de novo a primeira célula de código do lab)",
    # What a function returned
    "{what}: a list of event ids": "{what}: uma lista de ids de eventos",
    "return a list, e.g. sorted(ids)": "devolva uma lista, por exemplo sorted(ids)",
    "{what}: event ids (strings like 'msg_...')": "{what}: ids de eventos (strings como 'msg_...')",
    "return the ids themselves, not rows or positions": "devolva os próprios ids, não linhas nem posições",
    "the return value": "o valor devolvido",
    "the ids sorted": "os ids em ordem",
    "return sorted(ids)": "devolva sorted(ids)",
    # 10.1: what the outage lost
    "a delivery refused with a 4xx ends `failed`, not `dead`: the sender gave up on it too, "
    "and the integration never saw it":
        "uma entrega recusada com um 4xx termina `failed`, não `dead`: o emissor também desistiu dela, "
        "e a integração nunca a viu",
    "a lost event is one whose last attempt ended dead (or failed) and that is not in the inbox: "
    "every such event belongs in the list":
        "um evento perdido é aquele cuja última tentativa terminou dead (ou failed) e que não está na inbox: "
        "todo evento assim entra na lista",
    "the integration received those (their answers were lost on the way back): drop the ids that are in inbox['id']":
        "a integração recebeu esses (as respostas deles se perderam na volta): tire os ids que estão em inbox['id']",
    "those are still retrying, or were delivered by a retry: look at each event's last attempt only":
        "esses ainda estão em retry, ou foram entregues por um retry: olhe só a última tentativa de cada evento",
    "that one died, but a replay delivered it: look at each event's last attempt only":
        "esse morreu, mas um reenvio o entregou: olhe só a última tentativa de cada evento",
    "keep only the events whose last attempt ended dead or failed, and that are not in inbox['id']":
        "fique só com os eventos cuja última tentativa terminou dead ou failed e que não estão em inbox['id']",
    "{n} lost events {moment} ({what})": ("{n} evento perdido {moment} ({what})",
                                          "{n} eventos perdidos {moment} ({what})"),
    "{n} ids, {extra} wrongly in, {missing} missing": "{n} ids, {extra} a mais por engano, {missing} faltando",
    "while some events were still retrying": "enquanto alguns eventos ainda estavam em retry",
    "after the incident": "depois do incidente",
    "the check's incident: another outage": "o incidente da verificação: outra queda",
    "only what the sender gave up on and the integration never saw":
        "só o que o emissor desistiu de entregar e a integração nunca viu",
    "after another incident": "depois de outro incidente",
    "while the integration's handlers were paused (events received, not yet processed)":
        "enquanto os handlers da integração estavam pausados (eventos recebidos, ainda não processados)",
    "no event the integration has received among the lost ones, {moment}":
        "nenhum evento que a integração recebeu entre os perdidos, {moment}",
    "{n} received event(s) listed as lost": ("{n} evento recebido listado como perdido",
                                             "{n} eventos recebidos listados como perdidos"),
    "received is not the same as processed: an event is in the inbox (whatever its status) as soon as the "
    "integration has it; drop every id in inbox['id']":
        "recebido não é o mesmo que processado: um evento está na inbox (seja qual for o status) assim que a "
        "integração o tem; tire todo id que está em inbox['id']",
    "every delivery of the stack, the lab's own included": "todas as entregas da stack, inclusive as do próprio lab",
    # 10.2: a recovery window
    "{what}: a pandas Timestamp (or a datetime, or Unix seconds)":
        "{what}: um Timestamp do pandas (ou um datetime, ou segundos Unix)",
    "take it from events['created_at'], e.g. times.min() - pd.Timedelta(seconds=1)":
        "tire-o de events['created_at'], por exemplo times.min() - pd.Timedelta(seconds=1)",
    "a pair (since, until)": "um par (since, until)",
    "return since, until": "devolva since, until",
    "for {n} lost event(s) created {first} to {last}{given}": (
        "para {n} evento perdido, criado entre {first} e {last}{given}",
        "para {n} eventos perdidos, criados entre {first} e {last}{given}"),
    "since at or before the first lost event {shown}": "since no primeiro evento perdido ou antes dele, {shown}",
    "since = {time}": "since = {time}",
    "the first lost event must be inside: since = its created_at minus a second of margin":
        "o primeiro evento perdido tem de ficar dentro: since = o created_at dele menos um segundo de margem",
    "until after the last lost event {shown} (until is excluded)":
        "until depois do último evento perdido, {shown} (until fica de fora)",
    "until = {time}": "until = {time}",
    "until is excluded, and times are rounded: until = the last created_at plus a second":
        "until fica de fora, e os horários são arredondados: until = o último created_at mais um segundo",
    "no event before the first lost one in the window {shown}":
        "nenhum evento anterior ao primeiro perdido dentro da janela, {shown}",
    "the window starts before the event just before it": "a janela começa antes do evento imediatamente anterior",
    "start from the earliest lost event, not from the first event or the first failure":
        "comece pelo evento perdido mais antigo, não pelo primeiro evento nem pela primeira falha",
    "no event after the last lost one in the window {shown}":
        "nenhum evento posterior ao último perdido dentro da janela, {shown}",
    "the window ends after the event just after it": "a janela termina depois do evento imediatamente posterior",
    "end just after the latest lost event (its created_at, not a later attempt's time, not now)":
        "termine logo depois do evento perdido mais recente (o created_at dele, não o horário de uma tentativa "
        "posterior, nem agora)",
    "every lost event inside, nothing fired before or after them":
        "todo evento perdido dentro, nada disparado antes ou depois deles",
    "newest first": "do mais novo para o mais antigo",
    "sorted by id, as lost_events returns them": "em ordem de id, como lost_events os devolve",
    "the last one first": "o último primeiro",
    ", the ids given {given} and the rows of events shuffled":
        ", com os ids passados {given} e as linhas de events embaralhadas",
    # 10.3: recover exactly what was lost
    "no event the integration had received sent again": "nenhum evento que a integração já tinha recebido reenviado",
    "{n} sent twice": ("{n} enviado duas vezes", "{n} enviados duas vezes"),
    "their answers were lost, but they arrived: leave out the ids in stack.receiver.inbox()['id']":
        "as respostas deles se perderam, mas eles chegaram: deixe de fora os ids em stack.receiver.inbox()['id']",
    "nothing outside [{since:%H:%M:%S}, {until:%H:%M:%S}) replayed":
        "nada de fora de [{since:%H:%M:%S}, {until:%H:%M:%S}) reenviado",
    "{n} event(s) from outside the window replayed": ("{n} evento de fora da janela reenviado",
                                                      "{n} eventos de fora da janela reenviados"),
    "keep only the lost events with since <= created_at < until (see stack.events())":
        "fique só com os eventos perdidos com since <= created_at < until (veja stack.events())",
    "only lost events replayed": "só eventos perdidos reenviados",
    "{n} other event(s) sent again": ("{n} outro evento reenviado", "{n} outros eventos reenviados"),
    "replay only the events that lost_events(...) returns": "reenvie só os eventos que lost_events(...) devolve",
    "all {n} lost events of the window replayed": "todos os eventos perdidos da janela ({n}) reenviados",
    "{n} not sent again": ("{n} não reenviado", "{n} não reenviados"),
    "replay each of them with stack.replay": "reenvie cada um deles com stack.replay",
    "since is included: an event created exactly at since is in the window (created_at >= since)":
        "since fica dentro: um evento criado exatamente em since está na janela (created_at >= since)",
    "the replays delivered when recover_exactly returns": "os reenvios entregues quando recover_exactly retorna",
    "{n} still pending": ("{n} ainda pendente", "{n} ainda pendentes"),
    "after the replays, wait until the stack is idle (stack.wait)":
        "depois dos reenvios, espere a stack ficar ociosa (stack.wait)",
    "the sorted list of the ids you replayed": "a lista, em ordem, dos ids que você reenviou",
    "every replayed event processed": "todo evento reenviado processado",
    "nothing arriving twice at the integration": "nada chegando duas vezes à integração",
    "{n} duplicate(s)": ("{n} duplicata", "{n} duplicatas"),
    "replay each lost event once": "reenvie cada evento perdido uma vez só",
    "the CRM has every lost event, and nothing was sent twice":
        "o CRM tem todos os eventos perdidos, e nada foi enviado duas vezes",
}
