# Вывод berth для людей, по-русски. Каждое сообщение из en.ftl должно быть
# и здесь (это проверяет тест). JSON, действия событий, сохранённые статусы,
# коды выхода и коды ошибок не переводятся.

## Метки

label-error = ошибка
label-warning = предупреждение

## Ошибки

invalid-config = неверная конфигурация нагрузки `{ $workload }`: { $count ->
    [one] { $count } ошибка
    [few] { $count } ошибки
   *[many] { $count } ошибок
}
no-such-workload = нагрузки с именем `{ $workload }` нет (см. `berth workload list`)
lock-deploy-busy = нагрузку `{ $workload }` сейчас развёртывает другой berth (pid { $pid }, с { $since }); дождитесь его или добавьте --wait, чтобы встать в очередь

## Ход развёртывания

deploy-starting-green = запуск зелёного контейнера { $container }
deploy-starting = запуск { $container }
deploy-stopping = остановка { $container }
deploy-gate-waiting-green = проверка готовности: ждём, пока зелёный контейнер будет готов
deploy-gate-waiting-new = проверка готовности: ждём, пока новый контейнер будет готов
deploy-gate-passed = проверка готовности пройдена: { $why }
deploy-draining-blue = дренаж синего { $container }, { $ms } мс, наблюдаем за зелёным
deploy-draining = дренаж { $container }, { $ms } мс

## Итог развёртывания

deploy-deployed = развёрнуто
deploy-unchanged = без изменений
deploy-summary = { $workload } -> { $container } ({ $strategy }, { $ms } мс)
deploy-summary-forced = { $workload } -> { $container } ({ $strategy }, принудительно, { $ms } мс)
deploy-fleet-failed = не удалось развернуть { $failed } из { $total }
deploy-fleet-succeeded = успешно
deploy-fleet-failed-row = ошибка
column-workload = НАГРУЗКА
column-status = СТАТУС
column-container = КОНТЕЙНЕР
column-duration = ДЛИТЕЛЬНОСТЬ
column-time = ВРЕМЯ
column-severity = ВАЖНОСТЬ
column-action = ДЕЙСТВИЕ
column-id = ID
column-started = НАЧАЛО
column-strategy = СТРАТЕГИЯ
column-image = ОБРАЗ
column-outcome = ИТОГ
column-kind = ВИД
column-host = ХОСТ
column-state = СОСТОЯНИЕ
column-health = ЗДОРОВЬЕ
column-since = С
column-running-from = ЗАПУЩЕН ИЗ
column-route = МАРШРУТ
column-url = URL
column-on = СОБЫТИЯ
column-signed = ПОДПИСЬ
column-name = ИМЯ
column-domains = ДОМЕНЫ
column-updated = ОБНОВЛЕНО

## Нагрузки

workload-added = нагрузка `{ $workload }` добавлена ({ $kind }, стратегия: { $strategy })
workload-updated = нагрузка `{ $workload }` обновлена (стратегия: { $strategy }, { $reason })
workload-updated-short = нагрузка `{ $workload }` обновлена

## Проверка конфигурации

config-must-be-string = должно быть строкой, получено: { $got }
config-must-not-be-empty = не должно быть пустым
config-must-be-object = должно быть объектом вида { $like }, получено: { $got }
config-must-be-array = должно быть массивом вида { $like }, получено: { $got }
config-must-be-bool = должно быть true или false, получено: { $got }
config-not-one-of = `{ $value }` не входит в { $allowed }
config-did-you-mean-value = может быть, "{ $candidate }"?
config-did-you-mean-key = может быть, `{ $candidate }`?
config-unknown-field = неизвестное поле `{ $key }` для { $section }
config-fields-are = поля { $section }: { $fields }
config-is-required = обязательно: { $what }
config-add-example = добавьте, например, { $example }
config-example-relative-path = { $example } (относительные пути разрешаются при `workload add`/`set`)
config-range-at-least = не меньше { $min }
config-range-between = от { $min } до { $max }
config-must-be-integer = должно быть целым числом { $range }, получено: { $got }
config-must-be-in-range = должно быть { $range }
config-must-be-in-range-not-negative = должно быть { $range }, не отрицательным
config-must-be-whole-in-range = должно быть целым числом { $range } (без десятичной точки)
json-null = null
json-boolean = логическое значение
json-number = число
json-string = строка
json-array = массив
json-object = объект
# В родительном падеже: «поля …», «для …».
config-section-secret-reference = ссылки на секрет
config-section-workload = { $kind ->
    [image] нагрузки вида image
    [dockerfile] нагрузки вида dockerfile
    [static] нагрузки вида static
   *[compose] нагрузки вида compose
}
config-port-required-domains-healthcheck = обязательно, потому что заданы `domains` и `healthcheck`: порт контейнера, который используют маршрут и проверка
config-port-required-domains = обязательно, потому что задано `domains`: порт контейнера, который используют маршрут и проверка
config-port-required-healthcheck = обязательно, потому что задано `healthcheck`: порт контейнера, который используют маршрут и проверка
config-path-must-start-with-slash = `{ $path }` должен начинаться с `/`
config-use = пишите { $value }

## Секреты по ссылке

secret-value-type = значение должно быть строкой или ссылкой, получено: { $got }
secret-value-type-hint = числа и логические значения берите в кавычки; пишите так: { $like }
secret-empty-ref = пустая ссылка не называет источника
secret-write-as = пишите так: { $like }
secret-value-forms = { $string }, { $env } или { $file }
secret-both-sources = ссылка называет ровно один источник, `from_env` или `from_file`, не оба
secret-keep-one = оставьте один из них
secret-name-the-variable = назовите переменную, например "DB_PASSWORD"
secret-file-not-absolute = `{ $file }` должен быть абсолютным путём
secret-file-example = например, "/run/secrets/db_password"
secret-env-unset = переменная окружения `{ $var }` не задана в окружении berth
secret-env-unset-hint = экспортируйте { $var } перед `berth deploy`; в CI передайте секрет в `{ $var }`
secret-env-nul = переменная окружения `{ $var }` содержит символ NUL
secret-env-nul-hint = задайте `{ $var }` без символа NUL
secret-env-not-utf8 = переменная окружения `{ $var }` не в кодировке UTF-8
secret-env-not-utf8-hint = задайте `{ $var }` в кодировке UTF-8
secret-file-not-utf8 = файл `{ $file }` не в кодировке UTF-8
secret-file-text-hint = храните секрет как текст UTF-8 (двоичные данные — в base64)
secret-file-nul = файл `{ $file }` содержит символ NUL
secret-file-unreadable = файл `{ $file }` не читается: { $reason }
secret-file-unreadable-hint = создайте его на хосте, с которого идёт развёртывание, с правом чтения для пользователя berth
secret-file-not-regular = `{ $file }` не обычный файл (каталог, устройство или канал)
secret-file-not-regular-hint = укажите в `from_file` файл, в котором лежит секрет
secret-file-too-large = файл `{ $file }` больше { $max } байт — предела для файла с секретом

## Логи и exec

logs-now-following = { $workload }: теперь показываем { $container } ({ $previous } остановлен)
logs-running-again = { $workload }: { $container } снова работает
logs-waiting = { $workload }: { $container } остановлен; ждём следующий контейнер нагрузки
exec-no-running-container = у нагрузки `{ $workload }` нет работающего контейнера: ничего не запущено (разверните её: `berth deploy { $workload }`, или см. `berth status { $workload }`)

## Состояние, нагрузки, события

status-owner-this = это хранилище
status-owner-none = никто
status-owner-store = хранилище { $store } ({ $container })
status-owner-older = старый berth ({ $container })
status-not-deployed = не развёрнута
deploy-dry-run-done = пробный запуск: ничего не изменено
workload-none-yet = нагрузок пока нет: добавьте командой `berth workload add NAME --kind KIND --config FILE`
workload-removed-container = контейнер { $container } удалён
workload-removed = нагрузка `{ $workload }` удалена
workload-removed-route-note = примечание: прокси-хост Nginx Proxy Manager сохранён (berth никогда не удаляет их: в нём могут быть ваш сертификат и настройки); удалите его в NPM, если он больше не нужен
workload-route-removed = маршрут удалён: { $route }
workload-route-kept-shared = { $workload }: маршрут сохранён, так как контейнер этой нагрузки из другого хранилища ещё работает и обслуживает его
workload-route-not-removed = { $workload }: маршрут не удалось удалить ({ $reason }); удалите его вручную
events-none = событий нет
events-next-page = следующая страница: { $command }

## Справка (`berth --help`)

help-berth = Развёртывание нагрузок на хост Docker с заменой без простоя
help-berth-long = berth хранит конфигурации нагрузок в локальном хранилище SQLite и развёртывает их в Docker (на локальный демон или на собственный хост каждой нагрузки по SSH или TCP) стратегией `recreate` или `blue-green`: новые контейнеры принимаются только после проверки готовности, маршруты перенаправляются на месте (Nginx Proxy Manager, nginx или Caddy), а все события записываются в историю, которую можно запрашивать.
help-workload = Добавить, изменить, перечислить, показать и удалить нагрузки
help-validate = Проверить конфигурации нагрузок, ничего не сохраняя и не развёртывая
help-deploy = Развернуть нагрузки: подготовка, запуск, проверка готовности, маршрут, запись, уборка
help-history = Развёртывания нагрузки, новые сначала
help-rollback = Развернуть прежний артефакт с текущей конфигурацией
help-status = Что развёрнуто и работает ли оно
help-reconcile = Исправить то, что оставило прерванное развёртывание
help-proxy = Настроить маршрутизатор (Nginx Proxy Manager, nginx или Caddy), который ведёт домены нагрузок
help-events = История событий, новые сначала
help-logs = Логи работающего контейнера (stdout и stderr раздельно; NDJSON с --output json)
help-exec = Выполнить команду в работающем контейнере; её код выхода становится кодом berth
help-webhook = Отправлять подходящие события POST-запросом на URL
help-completions = Напечатать скрипт автодополнения для оболочки
help-man = Напечатать страницу руководства berth(1)
status-host-local = локальный
status-host-unreachable = недоступен

## Commands: deploy, history, rollback, proxy, reconcile

deploy-interrupted = развёртывание прервано (SIGINT)
deploy-terminated = развёртывание остановлено (SIGTERM)
deploy-completed-after-signal = { $signal } пришёл, когда новый контейнер уже был записан: развёртывание завершено
dry-run-plan = { $workload }: развёртывание { $strategy } ({ $reason })
dry-run-plan-forced = { $workload }: развёртывание { $strategy } ({ $reason }, принудительно)
usage-invalid-duration = неверная длительность `{ $text }`: нужно число с s, m, h или d, например 30s, 15m, 2h, 7d
history-not-deployed-yet = `{ $workload }` ещё не развёртывалась
rollback-no-such-deploy = у `{ $workload }` нет развёртывания { $id } (см. `berth history { $workload }`)
rollback-deploy-did-not-succeed = развёртывание { $id } нагрузки `{ $workload }` не было успешным (итог: { $status }); откатывайтесь на успешное
rollback-nothing-earlier = у `{ $workload }` нет более раннего успешного развёртывания с другим артефактом, на которое можно откатиться
rollback-no-artifact = развёртывание { $id } нагрузки `{ $workload }` не записало артефакт, на который можно откатиться
rollback-rolling-back = { $workload }: откат на развёртывание { $id } ({ $image })
proxy-nothing-to-set = нечего менять: укажите --router и/или его настройки (--url, --email, --forward-by для npm; --nginx-* для nginx; --caddy-* для caddy)
proxy-nginx-dir-not-absolute = --nginx-dir `{ $dir }` должен быть абсолютным путём
proxy-caddy-admin-not-http = --caddy-admin `{ $url }` должен быть адресом http://, например http://127.0.0.1:2019
proxy-url-invalid = --url `{ $url }` не является адресом ({ $reason }); пример: http://npm:81
proxy-url-not-http = --url `{ $url }` должен начинаться с http:// или https://
proxy-url-credentials = в --url не должно быть учётных данных: используйте --email и BERTH_NPM_PASSWORD
proxy-saved-npm = сохранено (пароль никогда не сохраняется: экспортируйте BERTH_NPM_PASSWORD или BERTH_NPM_TOKEN)
proxy-saved = сохранено
proxy-set-from = задан ({ $var })
proxy-not-set = не задан
proxy-source-env = окружение
proxy-source-store = хранилище
proxy-source-default = по умолчанию
proxy-source-unset = не задан
# Подписи `proxy show`: слово и имя настройки в скобках.
proxy-show-router = маршрутизатор (router)
proxy-show-dir = каталог (dir)
proxy-show-conf = файл конфигурации (conf)
proxy-show-bin = программа (bin)
proxy-show-reload = перезагрузка (reload)
proxy-show-listen = слушает (listen)
proxy-show-admin = API администратора (admin)
proxy-show-server = сервер (server)
proxy-show-url = адрес (url)
proxy-show-email = адрес почты (email)
proxy-show-forward-by = пересылка по (forward_by)
proxy-show-password = пароль (password)
proxy-show-token = токен (token)
reconcile-nothing = { $workload }: чинить нечего
reconcile-marked-abandoned = { $workload }: развёртывание { $id } помечено как брошенное
reconcile-started-again = { $workload }: { $container } снова запущен
reconcile-removed-leftover = { $workload }: удалён оставшийся контейнер { $container }

## Validate and webhooks

validate-invalid-configs = { $configs ->
    [one] { $configs } неверная конфигурация
    [few] { $configs } неверные конфигурации
   *[many] { $configs } неверных конфигураций
} ({ $count ->
    [one] { $count } ошибка
    [few] { $count } ошибки
   *[many] { $count } ошибок
})
validate-file-one-name = с --file укажите не больше одного NAME (имя нагрузки для сообщений)
validate-nothing = проверять нечего: нагрузок нет
validate-ok = ок
validate-valid = ({ $kind }, стратегия { $strategy }: { $reason })
validate-health-interval-too-long = нагрузка `{ $workload }`: образ `{ $image }` запускает свой Docker health check раз в { $interval } мс, не чаще, чем истекает срок проверки готовности ({ $deadline } мс), так что проверка может провалиться раньше первой пробы Docker: задайте `healthcheck: {"{"}"mode": "docker", "deadline_ms": N{"}"}` больше интервала или сократите HEALTHCHECK --interval образа
validate-compose-health-interval-too-long = нагрузка `{ $workload }`: сервис `{ $service }` в `{ $file }` запускает свой Docker health check раз в { $interval } мс, не чаще, чем истекает срок проверки готовности ({ $deadline } мс), так что проверка может провалиться раньше первой пробы Docker: задайте `healthcheck: {"{"}"mode": "docker", "deadline_ms": N{"}"}` больше интервала или сократите `healthcheck.interval` в compose-файле
validate-docker-mode-no-check = нагрузка `{ $workload }`: `healthcheck.mode` равен "docker", но у образа `{ $image }` нет HEALTHCHECK, так что проверка готовности провалится: добавьте HEALTHCHECK в образ или проверяйте по HTTP (`healthcheck: {"{"}"path": "/healthz"{"}"}`)
webhook-not-a-url = `{ $url }` не является адресом: { $reason }
webhook-not-http = адрес вебхука должен быть http:// или https://, а не { $scheme }://
webhook-secret-env-not-a-name = --secret-env ждёт ИМЯ переменной окружения (например WEBHOOK_SECRET), а не `{ $var }`
webhook-failed-never-delivered = события `{ $action }` никогда не доставляются (сбойный вебхук питал бы сам себя)
webhook-unknown-action = неизвестное действие `{ $action }` для --on: допустимы { $allowed }
webhook-added = вебхук { $id } добавлен -> { $url }
webhook-unsigned = нет
webhook-signed-with = да (${ $var })
webhook-removed = вебхук { $id } удалён

## Workloads: add, set, edit, show, rm

workload-invalid-name = недопустимое имя нагрузки `{ $workload }`: { $reason }
workload-name-empty = имя нагрузки не может быть пустым
workload-name-too-long = имя нагрузки `{ $workload }` длиной { $length } { $length ->
        [one] символ
        [few] символа
       *[other] символов
    }; допускается не более { $max } (остаётся место для 7-символьного суффикса green в пределах 63 символов Docker и DNS)
workload-name-bad-character = имя нагрузки `{ $workload }` содержит `{ $character }`: используйте строчные латинские буквы, цифры и дефисы
workload-name-bad-start = имя нагрузки `{ $workload }` должно начинаться со строчной буквы или цифры
workload-nothing-to-change = нечего менять: укажите --config FILE и/или --strategy ""|recreate|blue-green (или правьте интерактивно: `berth workload edit { $workload }`)
workload-edit-tempfile-create = не удалось создать временный файл для правки
workload-edit-tempfile-write = не удалось записать временный файл для правки
workload-edit-read = не удалось прочитать исправленный файл
workload-unchanged = нагрузка `{ $workload }` не изменилась
workload-edit-header = berth: эта конфигурация неверна и не сохранена. Исправьте её
    или очистите файл, чтобы отменить. Строки, начинающиеся с //, не учитываются.
workload-edit-cancelled = правка `{ $workload }` отменена; конфигурация не изменилась
workload-edit-reopening = исправленная конфигурация неверна; редактор открывается снова
workload-edit-not-saved = правка `{ $workload }` не сохранена; сохранённая конфигурация не изменилась
workload-rm-deployed = нагрузка `{ $workload }` развёрнута; `berth workload rm { $workload } --purge` удалит и её контейнеры (или сервис), и состояние, а с nginx или Caddy и маршрут (proxy host в NPM berth никогда не удаляет: если он не нужен, удалите его вручную)
workload-not-removed = нагрузка `{ $workload }` не удалена
workload-compose-down = проект compose { $project } остановлен
workload-kept-foreign-container = { $workload }: `{ $container }` оставлен: его создало другое хранилище berth
workload-show-name = имя
workload-show-kind = вид
workload-show-strategy = стратегия
workload-show-updated = изменена
workload-show-config = конфигурация
cwd-unreadable = не удалось прочитать текущий каталог
workload-config-stdin-unreadable = не удалось прочитать конфигурацию из stdin
workload-config-file-unreadable = не удалось прочитать файл конфигурации { $file }: { $reason }
config-not-json = это не JSON (строка { $line }, столбец { $column }): { $reason }
workload-no-editor = редактор не задан: установите VISUAL или EDITOR либо используйте `berth workload set NAME --config FILE`
workload-editor-empty = пустая команда редактора
workload-editor-not-started = не удалось запустить редактор `{ $editor }`
workload-editor-failed = редактор `{ $editor }` завершился с ошибкой ({ $status }); сохранённая конфигурация не изменилась

## Logs and exec, continued

live-compose-needs-service = нагрузка `{ $workload }` — стек compose без маршрутизируемого `service`: укажите --service SERVICE
live-service-not-compose = --service только для нагрузок compose; `{ $workload }` — нагрузка вида { $kind }
live-no-container = у нагрузки `{ $workload }` нет контейнера на этом демоне Docker (разверните её: `berth deploy { $workload }`)
live-unknown-service = нагрузка `{ $workload }`: в compose-проекте `{ $project }` нет сервиса `{ $service }`; его сервисы: { $services }
exec-could-not-run = не удалось выполнить команду в `{ $container }` (нагрузка `{ $workload }`): { $reason }
exec-detached = демон запустил команду в отсоединённом режиме
exec-exit-code-unreadable = не удалось узнать код выхода команды
exec-still-running = вывод команды закончился, но демон всё ещё считает её запущенной
logs-unreadable = не удалось прочитать логи контейнера { $container }
logs-stdout-unwritable = не удалось писать в stdout

## Store

store-deploy-unrecorded = не удалось записать развёртывание в хранилище
store-deploy-end-unrecorded = не удалось записать в хранилище конец развёртывания
store-deploy-unreadable = не удалось прочитать развёртывание из хранилища
store-deploys-unreadable = не удалось прочитать развёртывания
deploy-status-unknown = неизвестный статус развёртывания `{ $value }`: ожидается running, succeeded, failed или abandoned
lock-named-busy = блокировку `{ $name }` держит pid { $pid }
store-unopenable = не удалось открыть хранилище { $path }
store-id-unreadable = не удалось прочитать id хранилища { $path }
store-too-new = хранилище { $path } записано более новым berth (версия схемы { $version }; этот berth знает версии до { $known }); обновите berth или укажите в --db другое хранилище. Хранилище не изменено.
store-upgrade-failed = не удалось обновить хранилище { $path }
store-migration-failed = миграция { $version } не удалась
store-no-home = не заданы ни XDG_DATA_HOME, ни HOME: укажите --db PATH или задайте BERTH_DB
store-dir-uncreatable = не удалось создать каталог хранилища { $path }
store-not-a-store = { $path } — не хранилище berth (или оно повреждено)
store-no-wal = не удалось перевести хранилище { $path } в режим WAL (получено { $mode })
store-setting-unreadable = не удалось прочитать настройку `{ $key }`
store-setting-unsaved = не удалось сохранить настройку `{ $key }`
store-state-unreadable = не удалось прочитать состояние из хранилища
store-state-unwritten = не удалось записать состояние в хранилище
store-webhook-unsaved = не удалось сохранить вебхук
store-webhooks-unreadable = не удалось прочитать вебхуки
webhook-not-found = вебхука с id { $id } нет (см. `berth webhook list`)
config-stored-unreadable = сохранённую конфигурацию не прочитать ({ $reason }); замените её: `berth workload set { $workload } --config FILE`
workload-exists = нагрузка `{ $workload }` уже есть: измените её через `berth workload set { $workload } --config FILE` или `berth workload edit { $workload }`
store-workload-unreadable = не удалось прочитать нагрузку `{ $workload }` из хранилища
store-workloads-unreadable = не удалось прочитать нагрузки из хранилища

## Deploy: adoption, daemon lock, compose

adopt-refused = нагрузка `{ $workload }` уже работает на этом демоне Docker в контейнере `{ $container }`, созданном { $owner }; с --no-adopt berth его не перенимает: развёртывайте из того хранилища или без --no-adopt, чтобы заменить его (blue-green: без простоя)
adopt-adopting = { $workload }: `{ $container }` (создан { $owner }) принят как рабочий контейнер: в этом хранилище о нём не было записи
daemon-lock-failed = нагрузка `{ $workload }`: не удалось взять блокировку развёртывания `{ $lock }` на демоне Docker
daemon-lock-took-over = блокировка развёртывания перехвачена у berth, который умер, удерживая её (хранилище { $store }, хост { $host }, pid { $pid }, с { $since })
daemon-lock-foreign-container = нагрузку `{ $workload }` не заблокировать на этом демоне Docker: есть контейнер `{ $lock }`, который не является блокировкой berth; удалите его (`docker rm { $lock }`), если он никому не нужен
daemon-lock-busy = нагрузку `{ $workload }` сейчас развёртывает другой berth (хранилище { $store }, хост { $host }, pid { $pid }, с { $since }); дождитесь его или добавьте --wait, чтобы встать в очередь
daemon-lock-busy-this-store = нагрузку `{ $workload }` сейчас развёртывает другой berth (это же хранилище { $store }, хост { $host }, pid { $pid }, с { $since }); дождитесь его или добавьте --wait, чтобы встать в очередь
daemon-lock-busy-elsewhere = нагрузку `{ $workload }` сейчас развёртывает другой berth (хранилище { $store }, хост { $host }, pid { $pid }, с { $since }); дождитесь его или добавьте --wait, чтобы встать в очередь. Процессов на другой машине berth не видит и такую блокировку никогда не перехватывает: если того berth больше нет (его машина или задача CI умерла), удалите блокировку: `docker rm { $lock }`
daemon-lock-busy-this-store-elsewhere = нагрузку `{ $workload }` сейчас развёртывает другой berth (это же хранилище { $store }, хост { $host }, pid { $pid }, с { $since }); дождитесь его или добавьте --wait, чтобы встать в очередь. Процессов на другой машине berth не видит и такую блокировку никогда не перехватывает: если того berth больше нет (его машина или задача CI умерла), удалите блокировку: `docker rm { $lock }`
compose-empty-command = пустая команда compose
compose-could-not-run = не удалось запустить compose
compose-failed = docker compose { $verb } не удался (код выхода { $code })
compose-not-installed = не установлен ни `docker compose`, ни `docker-compose` (Debian: apt-get install docker-compose)
compose-not-compose = это не нагрузка compose
compose-service-not-ready = сервис `{ $service }` стека `{ $project }` не готов
compose-replaced-unrecorded = compose заменил старый контейнер, а записать новый не удалось ({ $reason })
compose-replaced-unrouted = compose заменил старый контейнер; состояние теперь указывает на `{ $container }`, но маршрут перевести на него не удалось ({ $reason }): выполните `berth reconcile { $workload }`, когда прокси ответит
compose-replaced-not-ready = compose уже заменил старый контейнер: состояние и маршрут теперь указывают на `{ $container }`, а он не готов; исправьте стек и разверните снова
compose-no-service-container = в стеке `{ $project }` нет контейнера сервиса `{ $service }`
compose-service-container-gone = контейнер сервиса `{ $service }` исчез

## Owners (after "created by")

owner-store = хранилищем { $store }
owner-older-berth = более старым berth (без id хранилища)

## Readiness gate

gate-no-port = healthcheck задан, но нет `port` для проверки
gate-deadline-configured = healthcheck.deadline_ms
gate-deadline-default = срок по умолчанию
gate-docker-mode-without-health-check = `healthcheck.mode` равен "docker", но у контейнера нет Docker health check (ни в образе, ни в файле compose, ни в параметрах запуска): добавьте его или проверяйте по HTTP через `healthcheck.path`
gate-unhealthy = Docker health check контейнера сообщает unhealthy
gate-port-stopped-accepting = порт { $port } перестал принимать соединения ({ $tries } попыток подряд)
gate-probes-failed = { $count ->
    [one] { $count } проверка подряд не прошла
    [few] { $count } проверки подряд не прошли
   *[many] { $count } проверок подряд не прошли
}: { $why }
gate-container-disappeared = контейнер исчез
gate-container-disappeared-during = контейнер исчез во время проверки готовности
gate-oom-killed = контейнер убит из-за нехватки памяти (OOM, код выхода { $code }): увеличьте `memory` или устраните утечку
gate-restarted = контейнер перезапускался { $restarts ->
    [one] { $restarts } раз
    [few] { $restarts } раза
   *[many] { $restarts } раз
}: он падает после запуска
gate-restarted-with-code = контейнер перезапускался { $restarts ->
    [one] { $restarts } раз
    [few] { $restarts } раза
   *[many] { $restarts } раз
} (последний код выхода { $code }): он падает после запуска
gate-restarted-sigkill = контейнер перезапускался { $restarts ->
    [one] { $restarts } раз
    [few] { $restarts } раза
   *[many] { $restarts } раз
} (последний код выхода 137: убит SIGKILL, как это делает OOM killer ядра): он падает после запуска
gate-restarting = контейнер перезапускается (последний код выхода { $code })
gate-exited = контейнер завершился с кодом { $code }
gate-exited-with-error = контейнер завершился с кодом { $code }: { $error }
gate-no-address = у контейнера нет адреса в сети `{ $network }`
gate-answered = { $url } ответил { $status }
gate-probe-error-remote-tcp = { $url }: { $error } (демон { $host } удалённый, подключён по tcp: контейнеры проверяются по их адресу с этой машины, и туда должен быть маршрут; иначе используйте демон ssh:// или `healthcheck.mode: "docker"`)
gate-cannot-reach = не удалось добраться до { $address } на { $host }: { $error }
gate-probe-error = { $url }: { $error }
gate-http-deadline = не готов через { $ms } мс (healthcheck.deadline_ms): последняя проверка: { $last }
gate-progress-http = проверка готовности: { $last }, { $elapsed } с из { $total } с
gate-health-interval-too-long = Docker health check контейнера срабатывает раз в { $interval } мс, не чаще, чем истекает срок проверки готовности ({ $deadline } мс, { $from }): она может провалиться раньше первой пробы Docker; задайте `healthcheck: {"{"}"mode": "docker", "deadline_ms": ...{"}"}` больше интервала или сократите интервал (HEALTHCHECK --interval или --start-interval)
gate-healthy = Docker health check сообщает healthy
gate-health-deadline = Docker health check контейнера не сообщил healthy за { $ms } мс ({ $from }; всё ещё `{ $status }`)
gate-progress-health = проверка готовности: health: { $status }, { $elapsed } с из { $total } с
gate-no-address-port-unchecked = у контейнера нет адреса в сети `{ $network }`: порт { $port } не проверить, проверяется только, что контейнер работает
gate-tcp-ready = { $addr } принимает соединения, и контейнер проработал { $ms } мс (liveness_window_ms)
gate-tcp-deadline = порт { $port } ({ $addr }) никто не слушает и через { $ms } мс: без `healthcheck` berth ждёт, пока порт начнёт принимать TCP-соединения; проверьте `port` и что приложение слушает все адреса (0.0.0.0), а не только 127.0.0.1, или задайте `healthcheck`
gate-progress-listening = проверка готовности: порт { $port } слушает, { $elapsed } с из { $total } с
gate-progress-not-listening = проверка готовности: порт { $port } ещё не слушает, { $elapsed } с из { $total } с
gate-liveness-ready = работает уже { $ms } мс (liveness_window_ms)

## Blue-green

bg-green-gate-failed = зелёный `{ $container }` не прошёл проверку готовности; { $removed }; { $kept }
bg-green-not-gated = зелёный `{ $container }` не удалось проверить на готовность; { $removed }; { $kept }
deploy-removed-it = он удалён
deploy-could-not-remove-it = удалить его не удалось (это сделает следующее развёртывание или `berth reconcile`)
bg-blue-keeps-serving = синий продолжает обслуживать
bg-nothing-routed-to-it = трафик на него не направлялся
bg-green-disappeared = зелёный `{ $container }` исчез после проверки готовности
bg-green-removed = зелёный удалён
bg-green-not-removed = зелёный удалить не удалось (это сделает следующее развёртывание или `berth reconcile`)
bg-route-still-on-blue = маршрут и состояние по-прежнему указывают на синий, он продолжает обслуживать
bg-nothing-routed = трафик никуда не направлялся
bg-switch-never-took-effect = переключение маршрута не состоялось, маршрут не изменился; { $removed }; { $kept }
bg-first-route-failed = направить маршрут на `{ $container }` не удалось; вернуть его некуда (прежнего контейнера нет), поэтому `{ $container }` оставлен работать (без записи в состояние) на случай, если маршрут до него дошёл: исправьте прокси и разверните снова
bg-switch-failed-restored = переключить маршрут на зелёный не удалось; маршрут возвращён на синий, зелёный удалён
bg-switch-failed-not-restored = переключить маршрут на зелёный не удалось, И подтвердить возврат маршрута на синий тоже ({ $reason }); зелёный `{ $container }` оставлен работать, чтобы маршрут никогда не указывал на удалённый контейнер: исправьте прокси, затем выполните `berth reconcile { $workload }`
bg-rolling-back = зелёный { $container } упал во время дренажа ({ $reason }); откат на синий
bg-rollback-state-failed = зелёный `{ $container }` упал во время дренажа, а вернуть синий в состояние не удалось ({ $reason }); работают оба: выполните `berth reconcile { $workload }` или разверните снова
bg-rollback-route-failed = зелёный `{ $container }` упал во время дренажа; состояние снова указывает на синий `{ $blue }`, но подтвердить возврат маршрута на него не удалось ({ $reason }): исправьте прокси, затем выполните `berth reconcile { $workload }`
bg-rolled-back = зелёный `{ $container }` упал во время дренажа после переключения маршрута: { $reason }; откат выполнен: синий `{ $blue }` снова обслуживает, и состояние указывает на него; { $removed }

## Recreate

recreate-first-route-failed = переключить маршрут на `{ $container }` не удалось; вернуть его некуда (прежнего контейнера нет), поэтому контейнер оставлен работать (без записи в состояние): исправьте прокси и разверните снова
recreate-route-failed = переключить маршрут не удалось
recreate-watching = наблюдаем за новым { $container } { $ms } мс, прежде чем удалить старый контейнер ({ $old }, остановлен)
recreate-gate-failed = `{ $container }` не прошёл проверку готовности
recreate-not-gated = `{ $container }` не удалось проверить на готовность
recreate-disappeared = `{ $container }` исчез после проверки готовности
recreate-rolling-back = { $container } упал после переключения ({ $reason }); возвращаем { $old }
recreate-rollback-state-failed = `{ $container }` упал после переключения, а вернуть `{ $old }` в состояние не удалось ({ $reason }); выполните `berth reconcile { $workload }` или разверните снова
recreate-failed-in-watch = `{ $container }` упал в окне наблюдения после переключения: { $reason }; выполнен откат
deploy-rolled-back = { $detail }
recreate-could-not-stop-new = { $workload }: не удалось остановить новый контейнер `{ $container }`: { $reason }
recreate-could-not-move-new = { $workload }: не удалось снять с нового контейнера имя `{ $container }`: { $reason }
recreate-could-not-rename-old = { $workload }: не удалось вернуть старому контейнеру имя `{ $container }`: { $reason }
recreate-old-started-route-unconfirmed = старый контейнер `{ $container }` снова запущен, НО подтвердить возврат маршрута на него не удалось ({ $reason }): маршрут может всё ещё указывать на новый контейнер, который оставлен (остановленным); исправьте прокси, затем выполните `berth reconcile { $workload }`
recreate-old-started = старый контейнер `{ $container }` снова запущен
recreate-old-not-started = старый контейнер `{ $container }` не удалось запустить снова ({ $reason }); выполните `berth reconcile { $workload }`

## Deploy: drain, reap, rollback

gate-container-disappeared-after = контейнер исчез после проверки готовности
deploy-gate-passed-watching = проверка готовности пройдена ({ $why }); наблюдаем за ним { $ms } мс: откатываться некуда
drain-no-port = у нагрузки нет `port`
deploy-draining-until-idle = дренаж { $container }, пока он не простоит без соединений { $quiet } мс (не дольше { $ms } мс)
drain-connections-unseen = соединения `{ $container }` не видны: { $why }; дренаж длится фиксированный drain_ms ({ $ms } мс), а не до простоя
drain-open-connections-left = { $workload }: у `{ $container }` оставалось { $open ->
    [one] { $open } открытое соединение
    [few] { $open } открытых соединения
   *[many] { $open } открытых соединений
}, когда дренаж дошёл до drain_ms ({ $ms } мс): остановка их оборвёт (долгие запросы, потоки WebSocket или SSE; клиенты переподключатся к новому контейнеру)
deploy-reap-failed = { $workload }: новый контейнер работает, но удалить старый `{ $container }` не удалось ({ $reason }); его удалит следующее развёртывание или `berth reconcile { $workload }`
deploy-remove-new-failed = { $workload }: не удалось удалить { $container } ({ $reason }); его удалит следующее развёртывание или `berth reconcile`
deploy-last-log-lines = { $workload }: последние строки логов нового контейнера
route-no-port = у нагрузки `{ $workload }` есть домены, но нет `port`
route-no-ip = у контейнера `{ $container }` нет IP в сети `{ $network }`
rollback-compose = нагрузка `{ $workload }`: стеки compose berth откатить не может (их образами управляет compose); разверните вместо этого более ранний файл compose
deploy-prune-failed = { $workload }: не удалось удалить старый образ { $image }: { $reason }
rollback-image-gone = нагрузка `{ $workload }`: образа { $image } ({ $id }) на этом хосте больше нет (удалён); выберите другое развёртывание в `berth history { $workload }`
rollback-to-image = { $workload }: откат на { $image } ({ $id })

## Drain

drain-remote-host = демон Docker ({ $host }) работает на другой машине: соединения его контейнеров отсюда не видны
drain-remote-daemon = демон Docker удалённый (DOCKER_HOST)
drain-no-pid = у него нет процесса (Docker сообщает pid 0)
drain-cgroup-unreadable = не прочитать /proc/{ $pid }/cgroup ({ $reason })
drain-other-pid-namespace = pid { $pid } здесь не процесс контейнера (демон видит другое пространство имён pid)
drain-connections-unreadable = не прочитать его соединения ({ $reason })
drain-nothing-listens = в его сетевом пространстве имён порт { $port } никто не слушает

## Reconcile

reconcile-moved-off = контейнеров, с которых ушёл маршрут
reconcile-foreign-container = { $workload }: контейнер `{ $container }` ({ $state }) создан { $owner }: не трогаем (reconcile удаляет только контейнеры этого хранилища; развёртывание из этого хранилища перенимает его, пока он работает)
reconcile-rename-failed = { $workload }: не удалось вернуть рабочему контейнеру имя `{ $container }`: { $reason }

## Dry-run plan (steps are English in JSON)

verbatim = { $text }
plan-ip-of = IP { $container } в сети `{ $network }`
plan-resolve-secrets = разрешить ссылки на секреты (проверено сейчас: все разрешаются): { $references }
plan-reconcile = выполнить reconcile для `{ $workload }` под блокировкой развёртывания (этого хранилища и демона Docker)
plan-adopt = если демон запускает `{ $workload }` из другого хранилища, а в этом о нём записи нет, принять тот контейнер как текущий (если нет --no-adopt)
plan-preflight-npm = предварительная проверка маршрута: войти в NPM, найти proxy host для { $domains }
plan-preflight-npm-host = предварительная проверка маршрута: войти в NPM, найти proxy host для { $domains } (#{ $id })
plan-preflight-nginx = предварительная проверка маршрута: `nginx -T` проходит и включает berth-{ $workload }.conf; ни один другой server block не обслуживает { $domains }; nginx работает
plan-preflight-caddy = предварительная проверка маршрута: admin API Caddy отвечает; ни один другой маршрут не совпадает с { $domains }; @id berth-{ $workload } есть не больше чем у одного маршрута
plan-pull = скачать { $image }
plan-pull-missing = скачать { $image }, если его ещё нет
plan-build = собрать { $context }/{ $dockerfile } как berth/{ $workload }:<id развёртывания>
plan-package = упаковать { $root } в { $image } по пути { $path }
plan-storage = использовать { $image } с томом `{ $volume }` в /data
plan-gate-http = проверка готовности: GET { $path }, нужно ответов 2xx/3xx подряд: { $count } (срок { $ms } мс)
plan-gate-docker-or-liveness = проверка готовности: HEALTHCHECK образа в Docker, а без него — работа в течение { $ms } мс
plan-how-npm-put = PUT на месте
plan-how-npm-put-or-post = PUT на месте или POST нового proxy host
plan-how-nginx = атомарно записать berth-{ $workload }.conf, nginx -T, reload, убедиться в новых workers
plan-how-caddy = PATCH маршрута @id на месте или однократная вставка; прочитать обратно
plan-route = направить маршрут для { $domains } на { $host }:{ $port } ({ $how })
plan-persist = записать `{ $container }` как рабочий контейнер
plan-record-service = записать контейнер сервиса в состояние
plan-nothing = (ничего)
plan-start-green = создать и запустить зелёный `{ $container }` рядом с { $beside }
plan-drain = дренаж `{ $container }`, пока он не простоит без соединений { $quiet } мс (не дольше { $bound } мс; фиксированные { $fixed } мс, если соединения не видны); тем временем новый контейнер под наблюдением, пока не проработает { $watch } мс (watch_ms); затем остановить (отсрочка { $grace } с) и удалить
plan-stop-park = остановить `{ $container }` (отсрочка { $grace } с) и отставить в сторону
plan-start = создать и запустить `{ $container }`
plan-watch-remove = наблюдать за новым контейнером { $watch } мс (watch_ms), затем удалить `{ $container }`

## Strategy

strategy-allowed = "" (по умолчанию для вида), "recreate" или "blue-green"
strategy-unknown = неизвестная стратегия развёртывания `{ $value }`: ожидается "recreate" или "blue-green"
strategy-forced-storage = принудительно: статический сайт с хранилищем (том `{ $volume }` нельзя монтировать в два контейнера)
strategy-default-storage = по умолчанию для статических сайтов с хранилищем (том `{ $volume }` нельзя монтировать в два контейнера)
strategy-forced-compose = принудительно: стеками compose управляет compose, два стека рядом не запускаются
strategy-default-for = по умолчанию для нагрузок вида { $kind }
strategy-set-in-config = задана в deploy_strategy
strategy-not-a-string = должна быть строкой (получено: { $got }); используйте { $allowed }
strategy-compose-blue-green = нагрузки compose нельзя развёртывать через blue-green: berth запускает `docker compose up` для всего стека и никогда не запускает два стека рядом
strategy-use-recreate-or-default = используйте "recreate" или "" (по умолчанию)
strategy-not-a-strategy = `{ $value }` — не стратегия развёртывания: используйте { $allowed }
strategy-use-empty-for-default = для значения по умолчанию используйте "" (или не указывайте `deploy_strategy`)
strategy-compose-uses-recreate = нагрузки compose развёртываются через "recreate"

## Docker

docker-inspect-network = не удалось получить сведения о сети `{ $name }`
docker-create-network = не удалось создать сеть `{ $name }`
docker-inspect-image = не удалось получить сведения об образе `{ $image }`
docker-pull = не удалось скачать `{ $image }`
docker-create-container = не удалось создать контейнер `{ $container }`
docker-import-empty = не удалось импортировать пустой образ `{ $image }`
docker-start = не удалось запустить контейнер { $container }
docker-stop = не удалось остановить контейнер { $container }
docker-rename = не удалось переименовать контейнер { $container } в `{ $name }`
docker-remove = не удалось удалить контейнер { $container }
docker-remove-image = не удалось удалить образ `{ $image }`
docker-inspect-container = не удалось получить сведения о контейнере { $container }
docker-bad-host = не удаётся использовать DOCKER_HOST `{ $host }`
docker-pulled-not-listed = `{ $image }` скачан, но демон его не показывает
docker-bad-port-mapping = проброс порта `{ $mapping }` не в виде HOST:CONTAINER
docker-said = { $doing }: ответ Docker ({ $status }): { $message }
docker-failed = { $doing }: { $error } (демон Docker ещё работает?)
docker-permission-denied = нет доступа к сокету Docker ({ $host }): запустите berth от root или добавьте пользователя в группу `docker`
docker-unreachable = демон Docker по адресу { $host } недоступен: { $error }. dockerd запущен? (`sudo systemctl start docker` или `sudo scripts/ensure-docker.sh` в репозитории berth)
docker-no-answer-within = демон Docker по адресу { $host } недоступен: нет ответа за { $seconds } с
docker-tls-file-missing = демону Docker по адресу { $host } нужен TLS, но файла { $file } нет (DOCKER_CERT_PATH или TLS-файлы контекста)
docker-bad-address = адрес демона Docker { $host } не подходит
docker-remote-unreachable = демон Docker по адресу { $host } недоступен: { $error }
docker-no-answer = демон Docker по адресу { $host } не ответил: { $error }

## Docker build

build-writer-crashed = процесс записи контекста сборки упал
build-image-not-listed = сборка `{ $image }` завершилась, но демон не показывает образ
build-refused = демон отказался выполнять сборку
build-could-not-build = не удалось собрать образ `{ $image }`
build-failed-exit = docker build не удался (код выхода { $code })
build-failed = docker build не удался
build-last-lines = последние строки вывода сборки
build-context-not-dir = контекст сборки `{ $path }` не является каталогом
build-context-missing = контекста сборки `{ $path }` не существует
build-context-unreadable = не удаётся прочитать контекст сборки `{ $path }`
build-ignore-invalid = `{ $path }`: { $error }
build-unreadable = не удаётся прочитать `{ $path }`
build-dockerfile-missing = Dockerfile `{ $dockerfile }` не найден в контексте сборки `{ $path }`
build-context-unsent = не удалось отправить контекст сборки демону
build-context-unfinished = не удалось завершить контекст сборки
build-cannot-add = не удаётся добавить `{ $path }` в контекст сборки
build-cannot-add-generated = не удаётся добавить сгенерированный `{ $name }` в контекст сборки
build-link-unreadable = не удаётся прочитать ссылку `{ $path }`
build-dir-unreadable = не удаётся прочитать каталог `{ $path }`
build-file-unreadable = не удаётся прочитать `{ $path }` в контексте сборки
docker-list-containers = не удалось получить список контейнеров

## Routers: NPM

proxy-never-sent = { $error } (недоступен: ничего не отправлено)
proxy-not-written = { $error } (сбой до записи маршрута: ничего не изменилось)
proxy-lock-task-failed = задача блокировки { $name } упала
proxy-not-configured = у нагрузки `{ $workload }` есть домены ({ $domains }), но Nginx Proxy Manager не настроен: выполните `berth proxy set --url http://npm:81 --email EMAIL` и экспортируйте BERTH_NPM_PASSWORD (или BERTH_NPM_TOKEN), либо выберите другой маршрутизатор (`berth proxy set --router nginx --nginx-dir DIR` или `--router caddy`), либо уберите `domains`
proxy-unknown-router = маршрутизатор `{ $router }` (BERTH_ROUTER или `berth proxy set --router`) — не npm, nginx или caddy
npm-bad-forward-by = forward_by `{ $value }` — не `name` и не `ip`
npm-error = Nginx Proxy Manager по адресу { $api }: { $what }: { $detail }
npm-unreachable = недоступен
npm-no-credentials = Nginx Proxy Manager по адресу { $api }: berth не может войти: задайте BERTH_NPM_EMAIL (или `berth proxy set --email`) и BERTH_NPM_PASSWORD либо действующий токен в BERTH_NPM_TOKEN
npm-2fa = Nginx Proxy Manager по адресу { $api }: учётная запись { $email } использует двухфакторную аутентификацию, на которую berth ответить не может; войдите один раз сами и передайте berth токен в BERTH_NPM_TOKEN
npm-login-failed = вход как { $email } не удался ({ $status })
npm-login = вход
npm-no-token-in-answer = в ответе нет токена
npm-no-token = нет токена NPM
npm-token-expired = Nginx Proxy Manager по адресу { $api }: срок токена в BERTH_NPM_TOKEN истёк; дайте новый или задайте BERTH_NPM_EMAIL и BERTH_NPM_PASSWORD, чтобы berth мог войти
npm-token-refused = токен в BERTH_NPM_TOKEN отклонён ({ $status })
npm-list-hosts-failed = не удалось получить список proxy hosts ({ $status })
npm-list-failed = не удалось получить список { $kind } ({ $status })
npm-read-host-failed = не удалось прочитать proxy host #{ $id } ({ $status })
npm-after-write = после записи
npm-host-gone = proxy host #{ $id } пропал
npm-offline = Nginx Proxy Manager по адресу { $api }: маршрут для { $domains } (proxy host #{ $id }) offline: nginx отверг его конфигурацию ({ $error }); трафик этих доменов уходит на сайт NPM по умолчанию
npm-host-disabled = нагрузка `{ $workload }`: её proxy host #{ $id } в Nginx Proxy Manager ({ $domains }) выключен, и маршрут не будет обслуживать (NPM отдаёт свою страницу по умолчанию): включите его в NPM (Hosts > Proxy Hosts > Enable) или через POST { $api }/nginx/proxy-hosts/{ $id }/enable, затем разверните снова
npm-domain-taken = нагрузка `{ $workload }`: домен { $domain } уже занят proxy host #{ $id } в Nginx Proxy Manager (перенаправляет на { $host }:{ $port }); уберите его там или измените `domains`
npm-domain-taken-other = нагрузка `{ $workload }`: домен { $domain } уже занят { $kind } #{ $id } в Nginx Proxy Manager; уберите его там или измените `domains`
npm-update-failed = не удалось обновить proxy host #{ $id } для `{ $workload }` ({ $status })
npm-create-failed = не удалось создать proxy host для `{ $workload }` ({ $status })
npm-creating = создание proxy host
npm-no-id-in-answer = в ответе нет id

## Routers: nginx

workload-prefix = нагрузка `{ $workload }`: { $text }
workload-name = нагрузка `{ $workload }`
nginx-no-dir = маршрутизатору nginx нужен каталог, куда berth пишет свои server blocks: `berth proxy set --router nginx --nginx-dir /etc/nginx/berth` (или BERTH_NGINX_DIR), и `include /etc/nginx/berth/*.conf;` внутри http {"{}"} вашей конфигурации nginx
nginx-dir-not-absolute = каталог nginx `{ $dir }` должен быть абсолютным путём
nginx-test-failed = `{ $command }` не прошёл: { $output }
nginx-reload-failed = команда перезагрузки `{ $command }` не удалась ({ $status }): { $output }
nginx-pid-file-unreadable = nginx не запущен, или berth не может прочитать его pid-файл { $path } (запустите nginx или запускайте berth от пользователя, которому он доступен)
nginx-pid-file-invalid = в pid-файле nginx { $path } записано `{ $text }`, а не pid
nginx-pid-gone = nginx не запущен: его pid-файл { $path } называет pid { $pid }, которого нет (запустите nginx)
nginx-not-included = конфигурация nginx{ $conf } не включает { $file }: добавьте `include { $dir }/*.conf;` внутри http {"{}"} (или исправьте настройку --nginx-dir), затем разверните снова
nginx-removing = удаление { $path }
nginx-master-exited = мастер-процесс nginx (pid { $pid }) завершился во время перезагрузки
nginx-old-workers = старые workers nginx всё ещё принимали соединения через { $seconds } с после перезагрузки
nginx-no-new-workers = nginx не запустил новые workers за { $seconds } с после перезагрузки: мастер-процесс отверг новую конфигурацию (см. журнал ошибок nginx, например адрес listen уже занят)
nginx-foreign-file = нагрузка `{ $workload }`: { $path } существует, но его записал не berth (первая строка не `{ $marker } ...`); чужие файлы berth никогда не трогает: уберите его, затем разверните снова
nginx-reading = нагрузка `{ $workload }`: чтение { $path }
nginx-could-not-run = не удалось запустить `{ $command }`
nginx-timeout = `{ $command }` не завершился за { $seconds } с
nginx-no-parent = у { $path } нет каталога
nginx-writing = запись { $path } (через { $tmp })
nginx-config-fails-test = нагрузка `{ $workload }`: конфигурация nginx не проходит проверку; сначала исправьте её
nginx-holder-berth = маршрут berth другой нагрузки ({ $path }: { $route })
nginx-holder-foreign = server block, записанный не berth ({ $path })
nginx-domain-taken = нагрузка `{ $workload }`: домен { $domain } уже обслуживает { $holder }; уберите его там или измените `domains`
nginx-restored = прежний файл восстановлен
nginx-restore-failed-too = И восстановить прежний файл не удалось ({ $reason })
nginx-refused-route = нагрузка `{ $workload }`: nginx отверг новый маршрут в { $path } ({ $reason }); { $restored }, nginx не перезагружался
nginx-restored-reloaded = прежний файл восстановлен, nginx перезагружен
nginx-restored-reload-failed = прежний файл восстановлен, но перезагрузить nginx не удалось ({ $reason })
nginx-restore-failed = восстановить прежний файл не удалось ({ $reason })
nginx-not-removed = нагрузка `{ $workload }`: удаление { $path } не подействовало: { $reason }; { $restored }
nginx-not-live = нагрузка `{ $workload }`: маршрут в { $path } не заработал: { $reason }; { $restored }

## Routers: Caddy

caddy-error = admin API Caddy по адресу { $admin }: { $what }: { $detail }
caddy-get-failed = GET { $path } не удался ({ $status })
caddy-no-server = нагрузка `{ $workload }`: у Caddy нет HTTP-сервера `{ $server }` (есть: { $servers }); исправьте `berth proxy set --caddy-server` (или BERTH_CADDY_SERVER)
caddy-many-servers = нагрузка `{ $workload }`: у Caddy несколько HTTP-серверов ({ $count }: { $servers }): укажите сервер для маршрутов berth через `berth proxy set --caddy-server NAME` (или BERTH_CADDY_SERVER)
caddy-domain-taken = нагрузка `{ $workload }`: домен { $domain } уже направляет другой маршрут{ $id } сервера Caddy `{ $server }`; уберите его там или измените `domains`
caddy-duplicate-id = нагрузка `{ $workload }`: в Caddy { $count ->
    [one] { $count } маршрут
    [few] { $count } маршрута
   *[many] { $count } маршрутов
} с @id `{ $id }` (Caddy не следит за уникальностью id; кто-то добавил второй): удалите все, кроме одного (DELETE { $admin }/id/{ $id } удаляет один), затем разверните снова
caddy-remove-failed = не удалось удалить маршрут @id { $id } нагрузки `{ $workload }` ({ $status })
caddy-replace-failed = не удалось заменить маршрут @id { $id } для `{ $workload }` ({ $status })
caddy-add-failed = не удалось добавить маршрут @id { $id } для `{ $workload }` ({ $status })
caddy-reads-back-differently = после записи маршрут @id { $id } для `{ $workload }` читается иначе
caddy-route-missing = его нет

## Artifacts: pull, build, package

source-compose-own-flow = нагрузки compose развёртываются своим порядком
source-image-present = { $workload }: образ { $image } уже есть, не скачиваем (pull: missing)
source-password-env-unset = нагрузка `{ $workload }`: registry_auth.password_env указывает переменную окружения `{ $var }`, но она не задана; экспортируйте её перед развёртыванием
source-pulling = { $workload }: скачиваем { $image }
source-pull-failed = нагрузка `{ $workload }`: скачать образ не удалось
source-pull-failed-present = нагрузка `{ $workload }`: скачать образ не удалось; `{ $image }` уже есть на демоне: задайте `"pull": "missing"`, чтобы развернуть его без скачивания
source-building = { $workload }: собираем { $image } из { $context }
source-build-failed = нагрузка `{ $workload }`: сборка не удалась; ничего не остановлено
source-pulling-server-image = { $workload }: скачиваем образ сервера { $image }
source-server-image-missing = нагрузка `{ $workload }`: server_image `{ $image }` нет на хосте, и скачать его нельзя; сначала скачайте или соберите его либо задайте `server_image`
source-hash-interrupted = подсчёт хеша сайта прерван
source-site-unchanged = { $workload }: сайт не изменился, используем { $image }
source-packaging = { $workload }: упаковываем { $root } в { $image }
source-package-failed = нагрузка `{ $workload }`: упаковать сайт не удалось; ничего не остановлено
source-site-dir-unreadable = не удалось прочитать каталог сайта { $path }
source-unreadable = не удалось прочитать { $path }

## Status, output, events

status-no-daemon = { $reason }; показываем только то, что записано в хранилище
status-no-router = { $reason }; маршруты не проверяются
status-route-stale-to = устарел (ведёт на { $target })
status-unknown = неизвестно
status-missing = нет контейнера
status-route-ok = ок
status-route-stale = устарел
http-client-failed = не удалось создать HTTP-клиент
output-json-failed = не удалось сформировать JSON: { $reason }
runtime-failed = не удалось запустить асинхронную среду выполнения
event-unrecorded = не удалось записать событие `{ $action }` для `{ $workload }`
store-events-unreadable = не удалось прочитать события из хранилища

## Config validation, continued

config-not-an-object = конфигурация должна быть объектом JSON, получено: { $got }
config-write-as-object = запишите её как {"{"} ... {"}"}, например { $example }
config-unreadable-bug = конфигурация прошла проверку, но не читается (это ошибка berth; пожалуйста, сообщите о ней)
config-path-not-absolute = `{ $path }` должен быть абсолютным путём (относительные пути berth разрешает от текущего каталога при `workload add`/`set`)
config-not-a-directory = `{ $path }` не является каталогом
config-not-a-file = `{ $path }` не является файлом
config-directory-missing = каталога `{ $path }` не существует
config-file-missing = файла `{ $path }` не существует
config-path-unreadable = `{ $path }` не прочитать: { $reason }
config-field-of-other-kind = `{ $key }` — не поле для { $section } (оно относится к нагрузкам вида { $owner })
config-field-of-other-kind-hint = уберите `{ $key }` или добавьте нагрузку с --kind { $owner }
config-too-many-domains = имён: { $count }; один маршрут принимает не больше { $max }
config-not-a-domain = `{ $domain }` — не доменное имя: { $why }
config-duplicate-domain = `{ $domain }` повторяет domains[{ $first }] (регистр в доменных именах не важен)
config-remove-duplicate = уберите повтор
domain-empty = оно пустое
domain-with-scheme = укажите только имя хоста, без схемы и пути
domain-bare-wildcard = после `*.` нужен домен
domain-too-long = оно длиннее 253 символов
domain-empty-label = в нём пустая метка (точка в начале, в конце или две точки подряд)
domain-label-too-long = метка длиннее 63 символов
domain-bad-characters = допустимы только буквы, цифры, дефисы и точки, в начале можно `*.`
domain-label-hyphen = метка не может начинаться или заканчиваться дефисом
config-not-a-port-mapping = `{ $mapping }` — не проброс порта: используйте "HOST:CONTAINER" с портами 1-65535, можно с /tcp или /udp в конце
config-port-mapping-example = например "8080:80" или "5353:53/udp"
config-http-only-field = относится только к HTTP-проверке, а `healthcheck.mode` равен "docker" (решает собственный HEALTHCHECK контейнера)
config-http-only-field-hint = уберите `{ $key }` или задайте "mode": "http"
what-probe-path = HTTP-путь для проверки
config-probe-path-spaces = не должен содержать пробелов и управляющих символов (закодируйте их через %)
env-name-empty = имя переменной окружения не может быть пустым
env-name-equals = имя переменной окружения не может содержать `=`
env-name-nul = имя переменной окружения не может содержать символ NUL
env-name-invalid = недопустимое имя переменной окружения: используйте буквы, цифры и подчёркивания, первой не должна быть цифра
config-not-a-docker-name = `{ $name }` — недопустимое имя для Docker ({ $what }): первым должен быть буква или цифра, дальше буквы, цифры, `_`, `.` или `-`
config-command-leave-out = не указывайте `command`, чтобы запустить команду образа по умолчанию
config-label-key-empty = ключ метки не может быть пустым
config-label-reserved = ключи, начинающиеся с `berth.`, зарезервированы: по ним berth отслеживает свои контейнеры
config-label-other-prefix = используйте другой префикс
config-memory-hint = используйте, например, "512m", "1g" или число байт
config-not-a-memory-size = `{ $size }` — не объём памяти
config-memory-too-large = слишком велико
config-memory-whole-bytes = должно быть целым числом байт
config-memory-type = должно быть строкой с объёмом или числом байт, получено: { $got }
config-memory-too-small = должно быть не меньше 6m (6 МиБ) — меньше Docker не принимает
config-cpus-range = должно быть больше 0 и не больше { $max }, например 0.5 или 2
config-cpus-type = должно быть числом CPU, например 0.5 или 2, получено: { $got }
config-not-a-restart-policy = `{ $policy }` — не политика перезапуска: используйте "no", "always", "unless-stopped", "on-failure" или "on-failure:N"
what-image = образ для развёртывания
config-not-a-reference = `{ $reference }` — не ссылка на образ: { $why }
config-reference-example = например "nginx:1.27" или "ghcr.io/acme/web@sha256:<64 шестнадцатеричные цифры>"
reference-spaces = в ней не должно быть пробелов
reference-bad-digest = дайджест после `@` должен быть `sha256:` и 64 шестнадцатеричные цифры в нижнем регистре
reference-bad-tag = тег `{ $tag }` должен состоять из 1-128 букв, цифр, `_`, `.` или `-`
reference-no-repository = в ней нет репозитория
reference-bad-host = `{ $host }` — не хост реестра
reference-empty-part = в имени репозитория пустая часть (`//` или `/` в конце)
reference-uppercase = имена репозиториев пишутся в нижнем регистре (`{ $segment }`)
reference-bad-segment = `{ $segment }` может содержать только строчные буквы, цифры, `.`, `_` и `-` и должно начинаться и заканчиваться буквой или цифрой
config-no-registry-passwords = пароли реестров berth никогда не хранит
config-no-registry-passwords-hint = уберите `{ $key }`, положите пароль в переменную окружения и укажите её имя в `password_env`
what-registry-user = пользователь реестра
what-password-env = имя переменной окружения с паролем
config-password-env-name = { $why } (здесь указывается имя переменной, а не сам пароль)
config-password-env-example = например "REGISTRY_PASSWORD"
what-build-context = каталог для сборки
config-target-spaces = имя стадии сборки не должно содержать пробелов
config-dockerfile-absolute = `{ $file }` должен быть относительным к `context`
config-dockerfile-outside = `{ $file }` должен оставаться внутри контекста сборки: уберите `..`
config-dockerfile-missing = `{ $file }` — не файл в контексте сборки `{ $context }`
config-build-arg-name = имя аргумента сборки должно быть непустым, без `=` и NUL
what-static-root = каталог с сайтом (если сайт не хранится в томе: `runtime: "deno"` со `storage`)
config-server-root-not-absolute = `{ $path }` должен быть абсолютным путём внутри контейнера
config-server-root-example = например "/usr/share/nginx/html"
what-compose-file = файл compose
config-not-a-project = `{ $project }` — не имя проекта compose: используйте строчные буквы, цифры, `_` и `-`, первым — буква или цифра
config-forced-recreate = принудительно recreate: при blue-green том `{ $volume }` был бы смонтирован на запись в два контейнера сразу
config-forced-recreate-hint = задайте deploy_strategy "recreate", чтобы это было видно в конфигурации
config-drain-zero-no-watch = 0 отключает дренаж и наблюдение после переключения маршрута: новый контейнер, упавший сразу после проверки готовности, остаётся на маршруте, а старого уже нет
config-drain-zero-no-watch-hint = уберите drain_ms (дренаж до простоя старого контейнера, не дольше 30000 мс, и наблюдение не меньше 2000 мс) или задайте несколько секунд
config-ports-blue-green = с blue-green нельзя публиковать порты хоста ({ $reason }): два контейнера не могут занять один порт хоста; используйте deploy_strategy "recreate" или уберите `ports`

## Kinds

kind-unknown = неизвестный вид `{ $kind }`: ожидается image, dockerfile, static или compose

## Signals, reconcile, webhooks

signal-first = остановка в ближайшей безопасной точке (нажмите Ctrl-C ещё раз, чтобы выйти сразу; reconcile всё починит)
signal-second = второй сигнал, выходим немедленно; `berth reconcile` починит то, что осталось
reconcile-live-container-gone = { $workload }: состояние указывает на контейнер { $container } ({ $id }), которого больше нет; следующее развёртывание его заменит
rollback-no-earlier-state = до этого развёртывания состояние не указывало ни на какой контейнер
webhook-none = вебхуков нет

## Help: subcommands, arguments and clap's headings (the English equals the clap doc comments, a test checks)

help-heading-usage = Использование:
help-heading-commands = Команды:
help-heading-arguments = Аргументы:
help-heading-options = Параметры:
help-heading-possible-values = Возможные значения:
# Пометки clap, которые berth пишет сам.
help-annotation-env = переменная окружения:
help-annotation-default = по умолчанию:
help-annotation-possible-values = возможные значения:
help-help-command = Показать эту справку или справку по указанным командам
help-exec-after = Коды выхода: код самой команды; 69, если у нагрузки нет работающего контейнера (ничего не запускалось); 125, если демон отказался выполнять команду; 126, если команду нельзя запустить; 127, если она не найдена; 141, если stdout berth закрылся раньше, чем команда завершилась.
help-workload-add = Добавить нагрузку (конфигурация проверяется; неверная никогда не сохраняется)
help-workload-set = Заменить конфигурацию нагрузки или сменить её стратегию развёртывания
help-workload-edit = Править конфигурацию нагрузки в $VISUAL / $EDITOR
help-workload-list = Список нагрузок
help-workload-show = Показать одну нагрузку (значения env и build_args скрыты)
help-workload-rm = Удалить нагрузку
help-proxy-set = Сохранить маршрутизатор и его настройки в хранилище (но не пароль NPM: используйте BERTH_NPM_PASSWORD или BERTH_NPM_TOKEN)
help-proxy-show = Показать действующий маршрутизатор и настройки и откуда взята каждая
help-webhook-add = Добавить вебхук: подходящие события отправляются POST-запросом в виде JSON
help-webhook-list = Список вебхуков (учётные данные в адресах скрыты)
help-webhook-rm = Удалить вебхук
arg-db = Путь к хранилищу [по умолчанию: $XDG_DATA_HOME/berth/berth.db]
arg-output = Формат вывода: `human` для людей, `json` для конвейеров (один документ на команду)
arg-quiet = Выводить только данные и ошибки, без строк о ходе работы
arg-no_color = Никогда не раскрашивать вывод (NO_COLOR тоже учитывается)
arg-help = Показать справку
arg-version = Показать версию
arg-workload-add-name = Имя нагрузки: строчные буквы, цифры и `-`, не длиннее 56 символов
arg-workload-add-kind = Вид нагрузки
arg-workload-add-config = Файл конфигурации (JSON) или `-` для stdin [по умолчанию: пустая конфигурация]
arg-workload-set-name = Имя нагрузки
arg-workload-set-config = Новый файл конфигурации (JSON) или `-` для stdin; заменяет всю конфигурацию
arg-workload-set-strategy = Задать `deploy_strategy`: "" (по умолчанию для вида), recreate или blue-green
arg-workload-edit-name = Имя нагрузки
arg-workload-show-name = Имя нагрузки
arg-workload-show-show_secrets = Показывать значения env и build_args вместо маски
arg-workload-rm-name = Имя нагрузки
arg-workload-rm-purge = Удалить заодно контейнеры (или сервис), состояние и маршрут nginx/Caddy развёрнутой нагрузки
arg-validate-names = Сохранённые нагрузки для проверки [по умолчанию: все]; с --file — имя для сообщений
arg-validate-file = Проверить файл конфигурации (JSON или `-` для stdin) вместо сохранённых нагрузок
arg-validate-kind = Вид конфигурации, заданной через --file
arg-completions-shell = Оболочка, для которой создать дополнения
arg-deploy-names = Нагрузки для развёртывания
arg-deploy-all = Развернуть все нагрузки
arg-deploy-jobs = Сколько нагрузок развёртывать одновременно
arg-deploy-dry_run = Показать план (стратегию и её причину, шаги, имя контейнера, изменение маршрута), не трогая Docker и маршрутизатор
arg-deploy-wait = Дождаться окончания другого развёртывания той же нагрузки вместо выхода с кодом 5
arg-deploy-no_adopt = Завершиться с ошибкой (код 1) вместо того, чтобы перенять работающий контейнер нагрузки, созданный другим хранилищем berth
arg-history-name = Имя нагрузки
arg-history-limit = Сколько развёртываний показать
arg-rollback-name = Имя нагрузки
arg-rollback-to = id развёртывания, на которое вернуться [по умолчанию: предыдущее успешное]
arg-rollback-wait = Дождаться окончания другого развёртывания той же нагрузки вместо выхода с кодом 5
arg-status-name = Нагрузка [по умолчанию: все]
arg-reconcile-name = Нагрузка [по умолчанию: все]
arg-events-workload = Только события этой нагрузки
arg-events-errors = Только ошибки (то же, что --severity errors)
arg-events-severity = Какие события показывать
arg-events-limit = Сколько событий на странице
arg-events-before = Только события старше события с этим id (следующая страница)
arg-events-since = Только события новее этого срока: 30s, 15m, 2h, 7d
arg-events-follow = Продолжать выводить новые события по мере записи, пока не прервут
arg-logs-name = Имя нагрузки
arg-logs-follow = Продолжать выводить новые строки; когда развёртывание заменяет контейнер, переходит к следующему контейнеру нагрузки
arg-logs-since = Только строки новее этого срока: 30s, 10m, 2h, 7d
arg-logs-tail = Только последние N строк
arg-logs-timestamps = Показывать метку времени Docker (RFC 3339, UTC) перед каждой строкой
arg-logs-service = Нагрузки compose: этот сервис вместо маршрутизируемого
arg-exec-name = Имя нагрузки
arg-exec-service = Нагрузки compose: этот сервис вместо маршрутизируемого
arg-exec-command = Команда и её аргументы (после `--`)
arg-proxy-set-router = Какой прокси направляет домены: npm (Nginx Proxy Manager), nginx (обычный nginx), caddy (admin API)
arg-proxy-set-router-value-npm = Nginx Proxy Manager через его API (по умолчанию)
arg-proxy-set-router-value-nginx = Обычный nginx: по одному server block от berth на нагрузку
arg-proxy-set-router-value-caddy = Caddy 2 через его admin API: по одному маршруту на нагрузку
arg-proxy-set-nginx_dir = nginx: каталог, куда berth пишет по одному server block на нагрузку (ваша конфигурация включает DIR/*.conf)
arg-proxy-set-nginx_conf = nginx: ваш основной файл конфигурации, передаётся как `-c` в `nginx -T` и `nginx -s reload` [по умолчанию: свой у nginx]
arg-proxy-set-nginx_bin = nginx: исполняемый файл nginx [по умолчанию: nginx]
arg-proxy-set-nginx_reload = nginx: команда оболочки, перезагружающая nginx, например "systemctl reload nginx" [по умолчанию: nginx -s reload]
arg-proxy-set-nginx_listen = nginx: параметры `listen` server blocks berth [по умолчанию: 80]
arg-proxy-set-caddy_admin = caddy: адрес admin API [по умолчанию: http://127.0.0.1:2019]
arg-proxy-set-caddy_server = caddy: HTTP-сервер (apps.http.servers NAME), которому достаются маршруты berth [по умолчанию: единственный]
arg-proxy-set-url = Базовый адрес NPM, например http://npm:81
arg-proxy-set-email = Email для входа в NPM
arg-proxy-set-forward_by = Как NPM обращается к контейнерам: `name` (NPM в Docker в сети нагрузки) или `ip`
arg-proxy-set-forward_by-value-name = Имя контейнера: NPM работает в Docker в сети нагрузки
arg-proxy-set-forward_by-value-ip = IP контейнера в его сети: NPM на хосте или без резолвера
arg-webhook-add-url = Адрес http:// или https://, куда отправлять POST
arg-webhook-add-on = Только эти действия (можно повторять), например --on deploy.failed [по умолчанию: все действия]
arg-webhook-add-workload = Только события этой нагрузки
arg-webhook-add-secret_env = Подписывать тела секретом из этой переменной окружения (X-Berth-Signature-256)
arg-webhook-rm-id = id вебхука (см. `berth webhook list`)

## HTTP causes and .dockerignore patterns

http-timed-out = время ожидания истекло
http-connection-failed = соединение не установлено ({ $error })
build-daemon-error = демон сообщил об ошибке
ignore-bare-bang = `!` сам по себе — не шаблон
ignore-bad-pattern = неверный шаблон `{ $pattern }`: { $error }
ignore-unclosed-class = не закрыта `[`
ignore-range-order = в диапазоне `{ $low }-{ $high }` границы в обратном порядке

## NPM, continued

npm-no-detail = без подробностей

## Remote daemons (docker_host, docker_context, ssh)

endpoint-unix-not-absolute = `{ $host }`: путь к unix-сокету должен быть абсолютным (unix:///var/run/docker.sock)
endpoint-tcp-no-port = `{ $host }`: для демона по tcp нужен порт (tcp://HOST:2376)
endpoint-tcp-invalid = `{ $host }` не похож на tcp://HOST:PORT
endpoint-ssh-password = адрес демона ssh:// не должен содержать пароль: используйте ключ (ssh-agent или ~/.ssh/config), а не пароль в конфигурации
endpoint-ssh-invalid = `{ $host }` не похож на ssh://[USER@]HOST[:PORT]
endpoint-ssh-bad-user = `{ $host }`: недопустимое имя пользователя ssh
endpoint-unsupported = `{ $host }`: такой адрес демона не поддерживается; используйте unix:///PATH, tcp://HOST:PORT или ssh://[USER@]HOST[:PORT]
endpoint-tls-unverified = DOCKER_TLS без DOCKER_TLS_VERIFY (TLS без проверки демона) не поддерживается: задайте DOCKER_TLS_VERIFY=1 и DOCKER_CERT_PATH с CA демона и вашим клиентским сертификатом
endpoint-no-home = HOME не задан: конфигурацию docker CLI (~/.docker) не найти
endpoint-config-unreadable = не удалось прочитать конфигурацию docker CLI { $path }
endpoint-config-invalid = конфигурация docker CLI { $path } — не корректный JSON
endpoint-context-missing = контекста docker `{ $name }` нет (искали { $path }); создайте его: `docker context create { $name } --docker host=ssh://USER@HOST`, или посмотрите список: `docker context ls`
endpoint-context-unreadable = не удалось прочитать контекст docker `{ $name }` ({ $path })
endpoint-context-invalid = контекст docker `{ $name }`: { $path } — не корректный JSON
endpoint-context-no-host = в контексте docker `{ $name }` не указан адрес демона ({ $path })
endpoint-context = контекст docker `{ $name }`
endpoint-context-skips-tls = контекст docker `{ $name }` отключает проверку TLS, а berth так не работает: укажите в нём CA демона (`docker context update { $name } --docker ca=...`)
ssh-no-dir = не удалось создать каталог для ssh-подключения к { $host }
ssh-cannot-write = не удалось записать { $path }
ssh-not-runnable = не удалось запустить `ssh`, чтобы подключиться к { $host }: { $error } (установите клиент OpenSSH: apt-get install openssh-client)
ssh-login-timeout = демон Docker по адресу { $host } недоступен: ssh не вошёл за { $seconds } с
ssh-client-setup = не удалось настроить клиент Docker для { $host }
ssh-tunnel-port = не удалось открыть локальный порт для туннеля к { $address }
ssh-host-key = демон Docker по адресу { $host } недоступен: ключ хоста { $name } неизвестен или изменился, а berth никогда не принимает ключ молча. Сверьте отпечаток и явно добавьте ключ: `{ $keyscan } >> ~/.ssh/known_hosts` (или подключитесь один раз через `ssh`)
ssh-auth-refused = демон Docker по адресу { $host } недоступен: ssh отказал в аутентификации ({ $detail }); berth входит только по ключу (ssh-agent или ~/.ssh/config), никогда по паролю
ssh-exited = ssh завершился с кодом { $code }
ssh-no-remote-docker = на стороне { $host } нет `docker` в PATH (`docker system dial-stdio` не удался: { $detail }); установите там docker CLI или добавьте его в PATH неинтерактивных ssh-сессий
config-daemon-named-twice = и `docker_host`, и `docker_context` задают демон
config-daemon-named-twice-hint = оставьте одно: адрес хоста (`ssh://deploy@web-1`) или имя контекста docker
config-docker-host-example = например "ssh://deploy@web-1", "tcp://10.0.0.5:2376" или "unix:///var/run/docker.sock"
config-docker-context-invalid = `{ $name }` — не имя контекста docker
config-docker-context-hint = используйте имя, которое показывает `docker context ls` (буквы, цифры, `_`, `.`, `-`)
daemon-pool-poisoned = пул демонов повреждён (ошибка berth)
deploy-not-deployed = нагрузка `{ $workload }` не развёрнута
deploy-engine-cannot-prepare = `{ $host }` не демон Docker, на котором berth может скачать или собрать образ
reconcile-workload-skipped = { $workload }: сверка не выполнена: { $reason }
reconcile-daemon-unreachable = нагрузки без сверки, их демон недоступен ({ $count }): { $workloads }
# Swarm (issue 13)
config-swarm-kind = сервис Swarm запускает образ: только виды image и dockerfile, не { $kind }
config-swarm-kind-fix = уберите `swarm` или разверните приложение как нагрузку вида image или dockerfile
config-swarm-ports = со `swarm` порты хоста не публикуются: маршрут ведёт к сервису в его overlay-сети
config-swarm-ports-fix = уберите `ports` и маршрутизируйте через `domains`
config-swarm-network = сервис Swarm подключается к overlay-сети `swarm.network`, а не `network`
config-swarm-network-fix = перенесите имя в `swarm.network` (по умолчанию "berth-swarm")
config-swarm-placement = `{ $value }` — не ограничение размещения
config-swarm-placement-fix = запишите его как "node.role==worker" или "node.labels.zone!=eu"
config-swarm-monitor-short = { $monitor } мс короче, чем start_period_ms + interval_ms × { $retries } + один интервал проверки ({ $needed } мс): Swarm сочтёт обновление завершённым раньше, чем проявится проваленная проверка здоровья
config-swarm-monitor-fix = задайте monitor_ms не меньше { $needed } или уберите его (тогда berth берёт { $needed })
swarm-not-swarm = это не нагрузка Swarm
swarm-creating = создание сервиса { $service } (реплик: { $replicas })
swarm-updating = обновление сервиса { $service } ({ $order })
swarm-unchanged = сервис { $service } уже запускает этот артефакт с этой конфигурацией: обновлять нечего

## Swarm services

plan-swarm-service = создать сервис `{ $service }` (реплик: { $replicas }, overlay-сеть `{ $network }`, режим endpoint { $mode }) или обновить его: { $order }, параллельно { $parallelism }, пауза { $delay } мс, наблюдение { $monitor } мс, failure_action rollback (ничего, если спецификация не изменилась)
plan-swarm-follow = следить за обновлением, пока Swarm не сообщит, что оно завершено (старые задачи остановлены), приостановлено или откачено
plan-swarm-route = { $route }; записывается, только если изменился
plan-swarm-persist = записать `{ $service }` как работающий сервис
docker-create-network-driver = не удалось создать сеть { $driver } `{ $name }`
docker-info = не удалось получить сведения о демоне
docker-inspect-service = не удалось получить сведения о сервисе `{ $service }`
docker-create-service = не удалось создать сервис `{ $service }`
docker-service-no-id = демон создал сервис `{ $service }`, но не вернул его id
docker-service-version-too-big = у сервиса `{ $service }` версия { $version } — больше, чем принимает API Docker
docker-update-service = не удалось обновить сервис `{ $service }`
docker-list-tasks = не удалось получить список задач сервиса `{ $service }`
docker-remove-service = не удалось удалить сервис `{ $service }`
swarm-new-service-removed = новый сервис удалён
swarm-new-service-not-removed = удалить новый сервис тоже не удалось ({ $reason }); удалите его: `docker service rm { $service }`
swarm-not-ready = сервис `{ $service }` так и не стал готов; { $removed }
swarm-no-version = у сервиса `{ $service }` нет версии для обновления
swarm-domains-no-port = у нагрузки `{ $workload }` есть домены, но нет `port`
swarm-service-disappeared = сервис `{ $service }` исчез после обновления
swarm-service-foreign = нагрузка `{ $workload }`: существует сервис `{ $service }`, который berth создал не для неё (нет метки `berth.workload={ $workload }`); чужие сервисы berth никогда не обновляет: удалите его (`docker service rm { $service }`), если он никому не нужен, или дайте нагрузке другое имя
swarm-service-adopt-refused = нагрузка `{ $workload }` уже работает в этом swarm как сервис `{ $service }`, созданный { $owner }; --no-adopt запрещает брать его под управление: разверните из того хранилища или без --no-adopt, чтобы обновить его
swarm-service-adopting = { $workload }: сервис `{ $service }` (создан { $owner }) взят под управление: в этом хранилище о нём не было записи
swarm-service-removed-during = сервис `{ $service }` удалили во время развёртывания
swarm-paused = Swarm приостановил обновление `{ $service }`: { $message }{ $task }
swarm-rollback-completed = снова работают прежние задачи
swarm-rollback-paused = откат приостановлен: какие задачи работают, смотрите в `docker service ps`
swarm-rolled-back = Swarm откатил обновление `{ $service }` ({ $how }): { $why }{ $task }
swarm-router-reload-failed = { $workload }: после обновления `{ $service }` перезагрузить маршрутизатор не удалось ({ $reason }); перезагрузите его вручную
swarm-tasks-line = задачи { $tasks }
swarm-tasks-failed = задач нового сервиса `{ $service }` завершилось ошибкой: { $count }{ $task }
swarm-update-timeout = сервис `{ $service }` не завершил обновление за { $seconds } с (состояние в Swarm: { $state }){ $pending }; Swarm продолжает на своей стороне: `docker service ps { $service }` покажет, как идёт
reconcile-service-missing = { $workload }: в состоянии записан сервис { $service }, но его больше нет; следующее развёртывание создаст его
swarm-not-in-swarm = демон Docker по адресу { $host } не входит в swarm (состояние узла: `{ $state }`): выполните там `docker swarm init` (или присоедините его: `docker swarm join`) либо уберите `swarm` из нагрузки
swarm-worker-not-manager = демон Docker по адресу { $host } — рабочий узел swarm, а не менеджер: сервисы создаются и обновляются через менеджер; укажите его в docker_host нагрузки
swarm-network-not-overlay = сеть `{ $name }` уже есть, с драйвером `{ $driver }`, а сервису Swarm нужна overlay-сеть: задайте в `swarm.network` другое имя (berth создаст сеть) или существующую overlay-сеть
swarm-needs-daemon = сервису Swarm нужен настоящий демон Docker (менеджер swarm)

## Deploy timeline (phases as people read them; JSON keeps the English names)

timeline-phase = { $name } { $ms } мс
timeline-phase-ended = { $name } { $ms } мс ({ $ended })
timeline-phase-ended-open = { $name } { $ms } мс ({ $ended }, открыто соединений: { $open })
phase-reconcile = сверка
phase-prepare = подготовка
phase-start = запуск
phase-stop = остановка
phase-gate = проверка готовности
phase-route = маршрут
phase-persist = запись состояния
phase-drain = дренаж
phase-watch = наблюдение
phase-reap = удаление старого
phase-update = обновление
drain-ended-idle = простой
drain-ended-deadline = по сроку
drain-ended-fixed = фиксированный

## Значения в колонках таблиц (в JSON они остаются как есть)
value-state-created = создан
value-state-restarting = перезапускается
value-state-running = работает
value-state-removing = удаляется
value-state-paused = приостановлен
value-state-exited = остановлен
value-state-dead = мёртв
value-state-updating = обновляется
value-state-rollback_started = откат начат
value-state-rollback_paused = откат приостановлен
value-state-rollback_completed = откачен
value-health-starting = запускается
value-health-healthy = здоров
value-health-unhealthy = нездоров
value-health-none = нет
value-severity-info = инфо
value-severity-warning = внимание
value-severity-error = ошибка
value-outcome-running = идёт
value-outcome-succeeded = успешно
value-outcome-failed = неудача
value-outcome-abandoned = прервано
history-live = текущее
duration-ms = { $ms } мс
# Как завершился дочерний процесс.
exit-status-code = код выхода { $code }
exit-status-signal = сигнал { $signal }
exit-status-other = { $display }
