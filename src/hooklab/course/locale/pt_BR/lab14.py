"""pt-BR: the checks of lab 14 (lab14.py, hidden/lab14.py), and the lesson's scoreboard and tables."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # -- the run, the tables and the scoreboard
    "the chaos profile or the sender's retry schedule changed during the run; an integration lives with the faults "
    "it is given: leave stack.faults and stack.dispatcher alone":
        "o perfil de caos ou o cronograma de retries do emissor mudou durante a execução; uma integração convive com "
        "as falhas que recebe: deixe stack.faults e stack.dispatcher em paz",
    "{minutes} min, starting 6 to 16 min into the run":
        "{minutes} min, começando aos 6 a 16 min da execução",
    "events lost": "eventos perdidos",
    "events applied twice": "eventos aplicados duas vezes",
    "records that disagree": "registros divergentes",
    "p95 lag (min)": "atraso p95 (min)",
    "your alert (min after outage start)": "seu alerta (min após início da queda)",
    "≤ {n:g}, none before": "≤ {n:g}, nenhum antes",
    "{n} of {events}": "{n} de {events}",
    "nothing applied": "nada aplicado",
    "∞ (over 5% never applied)": "∞ (mais de 5% nunca aplicados)",
    "none (sender's first dead letter: {minutes:.1f})": "nenhum (1ª mensagem morta do emissor: {minutes:.1f})",
    "none": "nenhum",
    ", {n} before it": ", {n} antes dele",
    # -- why an event is lost or applied twice (measure)
    "{kind}: {why}": "{kind}: {why}",
    "never reached the receiver (its delivery is {status})": "nunca chegou ao receiver (status da entrega: {status})",
    "its handler never finished (last error: {error})": "o handler dele nunca terminou (último erro: {error})",
    "version {version} of {email} is not in the CRM (its source_version: {have})":
        "a versão {version} de {email} não está no CRM (o source_version dele: {have})",
    "no CRM timeline entry carries its event id": "nenhuma entrada na linha do tempo do CRM traz o id do evento",
    "no #leads message names {name}": "nenhuma mensagem em #leads cita {name}",
    "{email} gave consent but is not tagged {form_id!r} on the newsletter list":
        "{email} deu consentimento, mas não tem a tag {form_id!r} na lista newsletter",
    "no #sales message for {order_id} ({total:.2f} {currency})":
        "nenhuma mensagem em #sales para {order_id} ({total:.2f} {currency})",
    "its timeline entry does not name the campaign {campaign!r}":
        "a entrada dele na linha do tempo não cita a campanha {campaign!r}",
    "no #leads message names {name} and the campaign {campaign!r}":
        "nenhuma mensagem em #leads cita {name} e a campanha {campaign!r}",
    "its timeline entry does not list what was bought, each item as 'quantity x name'":
        "a entrada dele na linha do tempo não lista o que foi comprado, cada item como 'quantidade x nome'",
    "its timeline entry does not give the refund's reason {reason!r}":
        "a entrada dele na linha do tempo não traz o motivo do reembolso, {reason!r}",
    "no #marketing message with the recover_url of {cart_id} ({total:.2f} {currency})":
        "nenhuma mensagem em #marketing com o recover_url de {cart_id} ({total:.2f} {currency})",
    "a #marketing message for {cart_id}, a cart of {total:.2f} {currency}: under {least:g}":
        "uma mensagem em #marketing para {cart_id}, um carrinho de {total:.2f} {currency}: abaixo de {least:g}",
    "{n} #leads messages name {name}": "{n} mensagens em #leads citam {name}",
    "{n} CRM order rows for {order_id}": "{n} linhas de pedido no CRM para {order_id}",
    "{n} #sales messages for {order_id}": "{n} mensagens em #sales para {order_id}",
    "{n} #marketing messages for {cart_id}": "{n} mensagens em #marketing para {cart_id}",
    # -- what went wrong, and what to do
    "{n} of {events} lost ({kinds}); e.g. {id}, {reason}":
        "{n} de {events} perdidos ({kinds}); por exemplo, {id}, {reason}",
    "{n} applied twice; e.g. {id}, {reason}": "{n} aplicados duas vezes; por exemplo, {id}, {reason}",
    "{n} disagree with the source; e.g. {system} {entity} {key}: {problem}{field}":
        "{n} registros divergentes da origem; por exemplo, {system} {entity} {key}: {problem}{field}",
    " {field} (source: {expected}, found: {actual})": " {field} (na origem: {expected}, encontrado: {actual})",
    "once deliveries succeed again, recover the dead letters (stack.recover(since=...)); a replay can fail too, so "
    "look again the next minute while any are dead":
        "quando as entregas voltarem a dar certo, recupere as mensagens mortas (stack.recover(since=...)); um reenvio "
        "também pode falhar, então olhe de novo no minuto seguinte enquanto sobrar alguma",
    "your handler raised that error on every try: run it by hand on that event and fix it; a 404 from email.tag "
    "means 'not on the list'":
        "o seu handler levantou esse erro em todas as tentativas: rode-o à mão com esse evento e corrija; um 404 de "
        "email.tag quer dizer 'não está na lista'",
    "a form with utm names its campaign, event['data']['utm']['campaign'], in its timeline entry and in its #leads "
    "message; a form may have no utm, or utm without a campaign":
        "um formulário com utm cita a campanha, event['data']['utm']['campaign'], na entrada da linha do tempo e na "
        "mensagem em #leads; um formulário pode vir sem utm, ou com utm e sem campanha",
    "list the order's items in its timeline entry, as in lab 04: 'quantity x name' for each item of "
    "event['data']['items'], joined with ', '":
        "liste os itens do pedido na entrada da linha do tempo, como no lab 04: 'quantidade x nome' para cada item de "
        "event['data']['items'], unidos com ', '",
    "put the refund's reason in its timeline entry (some refunds have none: use .get)":
        "ponha o motivo do reembolso na entrada da linha do tempo (alguns reembolsos não têm: use .get)",
    "a cart of {least:g} or more: one #marketing message with its recover_url, posted last; a smaller cart: no "
    "message and no tag":
        "um carrinho de {least:g} ou mais: uma mensagem em #marketing com o recover_url dele, postada por último; um "
        "carrinho menor: nenhuma mensagem e nenhuma tag",
    "add a CRM timeline entry with event_id=event['id'] (it also makes a second run harmless)":
        "acrescente uma entrada na linha do tempo do CRM com event_id=event['id'] (isso também deixa uma segunda "
        "execução inofensiva)",
    "post one message to #leads per form, with the person's name in it":
        "poste uma mensagem em #leads por formulário, com o nome da pessoa",
    "after subscribing a lead who gave consent, tag them with the form id: email.tag(address, form_id)":
        "depois de inscrever um lead que deu consentimento, ponha nele a tag com o id do formulário: "
        "email.tag(address, form_id)",
    "store the version as source_version, and skip an update whose version is not newer than the one the CRM has":
        "guarde a versão como source_version e pule uma atualização cuja versão não seja mais nova que a do CRM",
    "post to #sales for every order of 500 or more, with the order id in the message":
        "poste em #sales para todo pedido de 500 ou mais, com o id do pedido na mensagem",
    "compare with the brief": "compare com o briefing",
    "a handler runs again when one of its calls failed: upsert (crm.put_order, not create_order), and post to the "
    "chat last, after every call that can fail":
        "um handler roda de novo quando uma das chamadas dele falha: faça upsert (crm.put_order, não create_order) e "
        "poste no chat por último, depois de todas as chamadas que podem falhar",
    "the newest subscription change must win: pass subscribed_at=event_time(event), and leave the email platform "
    "alone when newer_change_kept(answer)":
        "a mudança de inscrição mais recente precisa vencer: passe subscribed_at=event_time(event) e não mexa na "
        "plataforma de e-mail quando newer_change_kept(answer)",
    "a refund may come before its order: record it from the refund, and keep 'refunded' when the order arrives":
        "um reembolso pode chegar antes do pedido: registre o pedido a partir do reembolso e mantenha 'refunded' "
        "quando o pedido chegar",
    "every event about a person must leave a CRM contact: upsert it":
        "todo evento sobre uma pessoa precisa deixar um contato no CRM: faça o upsert dele",
    "an older contact.updated must not overwrite a newer one: compare versions first":
        "um contact.updated mais antigo não pode sobrescrever um mais novo: compare as versões antes",
    "recover the dead letters as soon as deliveries succeed again, not hours later":
        "recupere as mensagens mortas assim que as entregas voltarem a dar certo, não horas depois",
    "about 1 delivery in 10 fails on a normal day: alert when most attempts of the last couple of minutes fail, "
    "once, with stack.notifier.post('alerts', text)":
        "num dia normal, cerca de 1 entrega em 10 falha: alerte quando a maioria das tentativas dos últimos dois "
        "minutos falhar, uma vez só, com stack.notifier.post('alerts', text)",
    # -- the checks' own stacks, and the handlers they call
    "the chaos profile and the sender's retry schedule left as they are":
        "o perfil de caos e o cronograma de retries do emissor do jeito que estavam",
    "your code changed stack.faults or stack.dispatcher during the run":
        "uma mudança do seu código em stack.faults ou stack.dispatcher durante a execução",
    "an integration lives with the faults and the sender it is given: alert and recover instead":
        "uma integração convive com as falhas e com o emissor que recebe: em vez disso, alerte e recupere",
    "a function for {kind}": "uma função para {kind}",
    "run the answer cell that defines the handlers, then this check":
        "rode a célula de resposta que define os handlers e depois esta verificação",
    "no member": "nenhum membro",
    "{email} tagged 'abandoned-cart' for a cart of {size}":
        "{email} com a tag 'abandoned-cart' por um carrinho de {size}",
    "tag carts of {least} or more: email.tag(address, 'abandoned-cart')":
        "ponha a tag nos carrinhos de {least} ou mais: email.tag(address, 'abandoned-cart')",
    "one #marketing message with {url}": "uma mensagem em #marketing com {url}",
    "post the cart's recover_url to #marketing, last, for carts of {least} or more (>=, not >)":
        "poste o recover_url do carrinho em #marketing, por último, para carrinhos de {least} ou mais (>=, não >)",
    "{email} not tagged for a cart of {size}, under {least}":
        "{email} sem tag por um carrinho de {size}, abaixo de {least}",
    "tag and post only when the cart's total is {least} or more":
        "ponha a tag e poste só quando o total do carrinho for {least} ou mais",
    "no #marketing message for {cart_id}, a cart of {size}":
        "nenhuma mensagem em #marketing para {cart_id}, um carrinho de {size}",
    "a small cart is not worth chasing: leave #marketing alone":
        "um carrinho pequeno não vale um follow-up: deixe #marketing em paz",
    # -- 14.1 and 14.2
    "{n} signup events": "{n} eventos de cadastro",
    "{n} signup events, reordered, doubled and replayed: none lost, none twice, none wrong":
        "{n} eventos de cadastro, fora de ordem, duplicados e reenviados: nenhum perdido, nenhum em dobro, nenhum "
        "errado",
    "{n} shop events": "{n} eventos da loja",
    "two members of the list leave carts of 250.00 and 35.00 BRL":
        "dois membros da lista abandonam carrinhos de 250.00 e 35.00 BRL",
    "{n} shop events, reordered, doubled and replayed: every order right, none twice; only the big cart chased":
        "{n} eventos da loja, fora de ordem, duplicados e reenviados: todo pedido certo, nenhum em dobro; só o "
        "carrinho grande recebeu follow-up",
    # -- 14.3
    "a function watch(stack, now, state)": "uma função watch(stack, now, state)",
    "run the answer cell that defines watch, then this check":
        "rode a célula de resposta que define watch e depois esta verificação",
    "no #alerts message before the outage began at {start}":
        "nenhuma mensagem em #alerts antes de a queda começar, às {start}",
    "{n}, the first at {at}": "{n}, a primeira às {at}",
    "about 1 delivery in 10 fails on a normal day: alert on the share of failed attempts over a window (say over "
    "half of the last 2 minutes), not on one failure":
        "num dia normal, cerca de 1 entrega em 10 falha: alerte pela fração de tentativas que falharam numa janela "
        "(por exemplo, mais da metade nos últimos 2 minutos), não por uma falha só",
    "the outage began at {start}": "a queda começou às {start}",
    "one message when the trouble starts, one when it ends":
        "uma mensagem quando o problema começa e outra quando termina",
    "{n} messages of yours in #alerts": "{n} mensagens suas em #alerts",
    "remember in state that the alert is firing, and post again only when that changes":
        "guarde em state que o alerta está disparado e só poste de novo quando isso mudar",
    "{n} events": "{n} eventos",
    "alert {alert:.1f} min into the outage, p95 lag {lag:.1f} min":
        "alerta {alert:.1f} min após o início da queda, atraso p95 de {lag:.1f} min",
    "; nothing lost": "; nada perdido",
    # -- 14.4
    "install(stack) and watch(stack, now, state)": "install(stack) e watch(stack, now, state)",
    "{install} and {watch}": "{install} e {watch}",
    "run the answer cells above, then this check": "rode as células de resposta acima e depois esta verificação",
    "a handler of yours for every event type": "um handler seu para cada tipo de evento",
    "none for {types}": "nenhum handler para {types}",
    "in install, call stack.receiver.on(type)(handler) for all seven types; built-in ones do not count":
        "em install, chame stack.receiver.on(type)(handler) para os sete tipos; os embutidos não contam",
    "each type's handler doing that type's work": "o handler de cada tipo fazendo o trabalho daquele tipo",
    "{n} types whose handlers fail with the same error, {error}":
        "{n} tipos cujos handlers falham com o mesmo erro, {error}",
    "look for code they share: a helper they all call, or a lambda made in a loop, which sees the loop's last fn "
    "unless you bind it (`lambda event, fn=fn: fn(...)`)":
        "procure o código que eles compartilham: um helper que todos chamam, ou uma lambda criada num loop, que "
        "enxerga o último fn do loop a não ser que você o amarre (`lambda event, fn=fn: fn(...)`)",
    "all 5 targets met": "as 5 metas cumpridas",
    "{n} of 5 met; missed: {missed}": "{n} de 5 cumpridas; não cumpridas: {missed}",
    "all 5 targets met: {n} events, none lost or twice, p95 lag {lag:.1f} min, alert {alert:.1f} min into the "
    "outage":
        "as 5 metas cumpridas: {n} eventos, nenhum perdido ou em dobro, atraso p95 de {lag:.1f} min, alerta "
        "{alert:.1f} min após o início da queda",
    # -- the hidden cases
    "a form with consent from minute 5, campaign webinar-q1, arrives after the unsubscribe of minute 10":
        "um formulário com consentimento, do minuto 5, campanha webinar-q1, chega depois do descadastro do minuto 10",
    "the member still unsubscribed: the unsubscribe is the newest change":
        "o membro ainda descadastrado: o descadastro é a mudança mais recente",
    "upsert the contact with subscribed=True and subscribed_at=event_time(event) first, and leave the email platform "
    "alone when newer_change_kept(answer)":
        "faça primeiro o upsert do contato com subscribed=True e subscribed_at=event_time(event), e não mexa na "
        "plataforma de e-mail quando newer_change_kept(answer)",
    "the CRM contact still unsubscribed": "o contato no CRM ainda descadastrado",
    "pass subscribed_at=event_time(event)": "passe subscribed_at=event_time(event)",
    "its timeline entry naming the campaign webinar-q1":
        "a entrada dele na linha do tempo citando a campanha webinar-q1",
    "the campaign is event['data']['utm']['campaign'], even when utm has nothing else":
        "a campanha é event['data']['utm']['campaign'], mesmo quando o utm não traz mais nada",
    "a #leads message naming Lia Souza and webinar-q1": "uma mensagem em #leads citando Lia Souza e webinar-q1",
    "name the person and the campaign in the #leads message": "cite a pessoa e a campanha na mensagem em #leads",
    "version 1 arrives after version 2": "a versão 1 chega depois da versão 2",
    "version 2's details kept: city 'Recife', company 'Globex', source_version 2":
        "os dados da versão 2 mantidos: city 'Recife', company 'Globex', source_version 2",
    "skip an update whose version is not newer than the contact's source_version":
        "pule uma atualização cuja versão não seja mais nova que o source_version do contato",
    "a form without consent, from an ad whose utm has no campaign, delivered twice":
        "um formulário sem consentimento, de um anúncio cujo utm não tem campanha, entregue duas vezes",
    "no list member without consent": "nenhum membro na lista sem consentimento",
    "subscribe and tag only when data['consent'] is true": "inscreva e ponha a tag só quando data['consent'] for true",
    "a CRM contact at stage 'lead'": "um contato no CRM no estágio 'lead'",
    "upsert the contact as a lead": "faça o upsert do contato como lead",
    "one timeline entry with its event id": "uma entrada na linha do tempo com o id do evento",
    "a BRL order arrives after its refund": "um pedido em BRL chega depois do reembolso dele",
    "the order refunded, total 4495.0, currency 'BRL'": "o pedido reembolsado, total 4495.0, moeda 'BRL'",
    "record the order from the refund (email, total=amount, currency), keep 'refunded' when the order comes, and "
    "store the event's own currency":
        "registre o pedido a partir do reembolso (email, total=amount, currency), mantenha 'refunded' quando o pedido "
        "chegar e guarde a moeda do próprio evento",
    "one #sales message naming ord_hidden_1 (4,495.00 BRL)":
        "uma mensagem em #sales citando ord_hidden_1 (4,495.00 BRL)",
    "post to #sales for every order of 500 or more, with the order id":
        "poste em #sales para todo pedido de 500 ou mais, com o id do pedido",
    "the refund's timeline entry giving its reason, not-as-described":
        "a entrada do reembolso na linha do tempo com o motivo, not-as-described",
    "put event['data']['reason'] in the refund's timeline entry":
        "ponha event['data']['reason'] na entrada do reembolso na linha do tempo",
    "the order's timeline entry listing '1 x 65-inch TV'":
        "a entrada do pedido na linha do tempo listando '1 x 65-inch TV'",
    "every item as 'quantity x name', a quantity of 1 too":
        "cada item como 'quantidade x nome', mesmo com quantidade 1",
    "carts of 35.00 USD and 480.00 BRL abandoned by someone who is not on the list":
        "carrinhos de 35.00 USD e 480.00 BRL abandonados por alguém que não está na lista",
    "a CRM contact for the shopper": "um contato no CRM para o comprador",
    "upsert the contact first": "faça primeiro o upsert do contato",
    "one timeline entry": "uma entrada na linha do tempo",
    "add the timeline entry before tagging, and ignore the 404 of email.tag":
        "acrescente a entrada na linha do tempo antes de pôr a tag, e ignore o 404 de email.tag",
    "one #marketing message with {url}, tag or no tag": "uma mensagem em #marketing com {url}, com tag ou sem",
    "a person who is not on the list cannot be tagged (404), but the cart is still worth a #marketing message: "
    "ignore the 404 and post":
        "quem não está na lista não pode receber tag (404), mas o carrinho ainda vale uma mensagem em #marketing: "
        "ignore o 404 e poste",
    "two members of the list leave carts of exactly 200.00 and of 199.99 BRL":
        "dois membros da lista abandonam carrinhos de exatamente 200.00 e de 199.99 BRL",
    "an outage that began at {start}": "uma queda que começou às {start}",
    "one message when the trouble starts, one when it ends (outage at {start})":
        "uma mensagem quando o problema começa e outra quando termina (queda às {start})",
    "{n} events, an outage at {start}": "{n} eventos, uma queda às {start}",
    "in install, call stack.receiver.on(type)(handler) for all seven types":
        "em install, chame stack.receiver.on(type)(handler) para os sete tipos",
    "all 5 targets met on another run": "as 5 metas cumpridas em outra execução",
}
