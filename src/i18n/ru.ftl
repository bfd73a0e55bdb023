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
deploy-draining-blue = вывод синего { $container } из работы, { $ms } мс, наблюдаем за зелёным
deploy-draining = вывод { $container } из работы, { $ms } мс

## Итог развёртывания

deploy-deployed = развёрнуто
deploy-unchanged = без изменений
deploy-summary = { $workload } -> { $container } ({ $strategy }, { $ms } мс)
deploy-summary-forced = { $workload } -> { $container } ({ $strategy }, принудительно, { $ms } мс)
deploy-fleet-failed = не удалось развёртываний: { $failed } из { $total }
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

config-must-be-string = должно быть строкой, а не { $got }
config-must-not-be-empty = не должно быть пустым
config-must-be-object = должно быть объектом вида { $like }, а не { $got }
config-must-be-array = должно быть массивом вида { $like }, а не { $got }
config-must-be-bool = должно быть true или false, а не { $got }
config-not-one-of = `{ $value }` не входит в { $allowed }
config-did-you-mean-value = может быть, "{ $candidate }"?
config-did-you-mean-key = может быть, `{ $candidate }`?
config-unknown-field = неизвестное поле `{ $key }` в { $section }
config-fields-are = поля { $section }: { $fields }
config-is-required = обязательно: { $what }
config-add-example = добавьте, например, { $example }
config-range-at-least = не меньше { $min }
config-range-between = от { $min } до { $max }
config-must-be-integer = должно быть целым числом { $range }, а не { $got }
config-must-be-in-range = должно быть { $range }
config-must-be-in-range-not-negative = должно быть { $range }, не отрицательным
config-must-be-whole-in-range = должно быть целым числом { $range } (без десятичной точки)
json-null = null
json-boolean = логическое значение
json-number = число
json-string = строка
json-array = массив
json-object = объект
config-section-secret-reference = ссылке на секрет
config-section-workload = { $kind ->
    [image] нагрузке вида image
    [dockerfile] нагрузке вида dockerfile
    [static] нагрузке вида static
   *[compose] нагрузке вида compose
}
config-port-required-domains-healthcheck = обязательно, потому что заданы `domains` и `healthcheck`: порт контейнера, который используют маршрут и проверка
config-port-required-domains = обязательно, потому что задано `domains`: порт контейнера, который используют маршрут и проверка
config-port-required-healthcheck = обязательно, потому что задано `healthcheck`: порт контейнера, который используют маршрут и проверка
config-path-must-start-with-slash = `{ $path }` должен начинаться с `/`
config-use = пишите { $value }

## Секреты по ссылке

secret-value-type = значение должно быть строкой или ссылкой, а не { $got }
secret-value-type-hint = числа и логические значения берите в кавычки; пишите так: { $like }
secret-empty-ref = пустая ссылка не называет источника
secret-write-as = пишите так: { $like }
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
workload-removed-route-note = примечание: berth никогда не удаляет хосты NPM; удалите маршрут вручную, если он больше не нужен
events-none = событий нет
events-next-page = следующая страница: { $command }

## Справка (`berth --help`)

help-berth = Развёртывание нагрузок на хост Docker с заменой без простоя
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
status-host-unreachable = недоступен

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
swarm-creating = создание сервиса { $service } (реплик: { $replicas })
swarm-updating = обновление сервиса { $service } ({ $order })
swarm-unchanged = сервис { $service } уже запускает этот артефакт с этой конфигурацией: обновлять нечего
