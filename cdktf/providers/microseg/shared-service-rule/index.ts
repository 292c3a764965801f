// https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SharedServiceRuleConfig extends cdktf.TerraformMetaArguments {
  /**
  * The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#consumers SharedServiceRule#consumers}
  */
  readonly consumers: SharedServiceRuleConsumers;
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#description SharedServiceRule#description}
  */
  readonly description?: string;
  /**
  * true: every new connection this rule decides is written as one JSON line to the rule log (and to MICROSEG_SYSLOG when set).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#log SharedServiceRule#log}
  */
  readonly log?: boolean | cdktf.IResolvable;
  /**
  * `apply` allows what the rule lists, before isolation and application rules; `off` keeps it as a draft. (A shared-service rule only allows, so it has no monitor mode.)
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#mode SharedServiceRule#mode}
  */
  readonly mode: string;
  /**
  * Rule name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#name SharedServiceRule#name}
  */
  readonly name: string;
  /**
  * Selects entities by their categories.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#providers SharedServiceRule#providers}
  */
  readonly providers: SharedServiceRuleProviders;
  /**
  * Service groups allowed, by name.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#service_groups SharedServiceRule#service_groups}
  */
  readonly serviceGroups?: string[];
  /**
  * Services allowed. With no services and no service_groups every protocol and port is allowed.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#services SharedServiceRule#services}
  */
  readonly services?: SharedServiceRuleServices[] | cdktf.IResolvable;
}
export interface SharedServiceRuleConsumers {
  /**
  * Address groups whose CIDRs are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#address_groups SharedServiceRule#address_groups}
  */
  readonly addressGroups?: string[];
  /**
  * true: every address, entity or external.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#any SharedServiceRule#any}
  */
  readonly any?: boolean | cdktf.IResolvable;
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#categories SharedServiceRule#categories}
  */
  readonly categories?: { [key: string]: string[] } | cdktf.IResolvable;
  /**
  * CIDRs or address ranges that are part of the peer.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#cidrs SharedServiceRule#cidrs}
  */
  readonly cidrs?: string[];
  /**
  * CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#except SharedServiceRule#except}
  */
  readonly except?: string[];
}

export function sharedServiceRuleConsumersToTerraform(struct?: SharedServiceRuleConsumers | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.addressGroups),
    any: cdktf.booleanToTerraform(struct!.any),
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
    cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.cidrs),
    except: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.except),
  }
}


export function sharedServiceRuleConsumersToHclTerraform(struct?: SharedServiceRuleConsumers | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address_groups: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.addressGroups),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    any: {
      value: cdktf.booleanToHclTerraform(struct!.any),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
    cidrs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.cidrs),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    except: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.except),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SharedServiceRuleConsumersOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): SharedServiceRuleConsumers | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addressGroups !== undefined) {
      hasAnyValues = true;
      internalValueResult.addressGroups = this._addressGroups;
    }
    if (this._any !== undefined) {
      hasAnyValues = true;
      internalValueResult.any = this._any;
    }
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    if (this._cidrs !== undefined) {
      hasAnyValues = true;
      internalValueResult.cidrs = this._cidrs;
    }
    if (this._except !== undefined) {
      hasAnyValues = true;
      internalValueResult.except = this._except;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SharedServiceRuleConsumers | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._addressGroups = undefined;
      this._any = undefined;
      this._categories = undefined;
      this._cidrs = undefined;
      this._except = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._addressGroups = value.addressGroups;
      this._any = value.any;
      this._categories = value.categories;
      this._cidrs = value.cidrs;
      this._except = value.except;
    }
  }

  // address_groups - computed: false, optional: true, required: false
  private _addressGroups?: string[]; 
  public get addressGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('address_groups'));
  }
  public set addressGroups(value: string[]) {
    this._addressGroups = value;
  }
  public resetAddressGroups() {
    this._addressGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addressGroupsInput() {
    return this._addressGroups;
  }

  // any - computed: false, optional: true, required: false
  private _any?: boolean | cdktf.IResolvable; 
  public get any() {
    return this.getBooleanAttribute('any');
  }
  public set any(value: boolean | cdktf.IResolvable) {
    this._any = value;
  }
  public resetAny() {
    this._any = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get anyInput() {
    return this._any;
  }

  // categories - computed: false, optional: true, required: false
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  public resetCategories() {
    this._categories = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }

  // cidrs - computed: false, optional: true, required: false
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  public resetCidrs() {
    this._cidrs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

  // except - computed: false, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
  }
}
export interface SharedServiceRuleProviders {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#categories SharedServiceRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function sharedServiceRuleProvidersToTerraform(struct?: SharedServiceRuleProviders | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function sharedServiceRuleProvidersToHclTerraform(struct?: SharedServiceRuleProviders | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SharedServiceRuleProvidersOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): SharedServiceRuleProviders | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SharedServiceRuleProviders | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: false, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}
export interface SharedServiceRuleServices {
  /**
  * ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#icmp_code SharedServiceRule#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6 only); absent means every type.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#icmp_type SharedServiceRule#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination ports for tcp/udp/sctp; empty or absent means every port.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#ports SharedServiceRule#ports}
  */
  readonly ports?: string[];
  /**
  * IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (igmp, ipip, gre, esp, ah, ospf, pim, vrrp, l2tp) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#protocol SharedServiceRule#protocol}
  */
  readonly protocol: string;
}

export function sharedServiceRuleServicesToTerraform(struct?: SharedServiceRuleServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    icmp_code: cdktf.numberToTerraform(struct!.icmpCode),
    icmp_type: cdktf.numberToTerraform(struct!.icmpType),
    ports: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.ports),
    protocol: cdktf.stringToTerraform(struct!.protocol),
  }
}


export function sharedServiceRuleServicesToHclTerraform(struct?: SharedServiceRuleServices | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    icmp_code: {
      value: cdktf.numberToHclTerraform(struct!.icmpCode),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    icmp_type: {
      value: cdktf.numberToHclTerraform(struct!.icmpType),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    ports: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.ports),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SharedServiceRuleServicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): SharedServiceRuleServices | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._icmpCode !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpCode = this._icmpCode;
    }
    if (this._icmpType !== undefined) {
      hasAnyValues = true;
      internalValueResult.icmpType = this._icmpType;
    }
    if (this._ports !== undefined) {
      hasAnyValues = true;
      internalValueResult.ports = this._ports;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SharedServiceRuleServices | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._icmpCode = undefined;
      this._icmpType = undefined;
      this._ports = undefined;
      this._protocol = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._icmpCode = value.icmpCode;
      this._icmpType = value.icmpType;
      this._ports = value.ports;
      this._protocol = value.protocol;
    }
  }

  // icmp_code - computed: false, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: false, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // ports - computed: false, optional: true, required: false
  private _ports?: string[]; 
  public get ports() {
    return cdktf.Fn.tolist(this.getListAttribute('ports'));
  }
  public set ports(value: string[]) {
    this._ports = value;
  }
  public resetPorts() {
    this._ports = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports;
  }

  // protocol - computed: false, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }
}

export class SharedServiceRuleServicesList extends cdktf.ComplexList {
  public internalValue? : SharedServiceRuleServices[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): SharedServiceRuleServicesOutputReference {
    return new SharedServiceRuleServicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule microseg_shared_service_rule}
*/
export class SharedServiceRule extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_shared_service_rule";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SharedServiceRule resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SharedServiceRule to import
  * @param importFromId The id of the existing SharedServiceRule that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SharedServiceRule to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_shared_service_rule", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/shared_service_rule microseg_shared_service_rule} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SharedServiceRuleConfig
  */
  public constructor(scope: Construct, id: string, config: SharedServiceRuleConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_shared_service_rule',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._consumers.internalValue = config.consumers;
    this._description = config.description;
    this._log = config.log;
    this._mode = config.mode;
    this._name = config.name;
    this._providers.internalValue = config.providers;
    this._serviceGroups = config.serviceGroups;
    this._services.internalValue = config.services;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // consumers - computed: false, optional: false, required: true
  private _consumers = new SharedServiceRuleConsumersOutputReference(this, "consumers");
  public get consumers() {
    return this._consumers;
  }
  public putConsumers(value: SharedServiceRuleConsumers) {
    this._consumers.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get consumersInput() {
    return this._consumers.internalValue;
  }

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // log - computed: true, optional: true, required: false
  private _log?: boolean | cdktf.IResolvable; 
  public get log() {
    return this.getBooleanAttribute('log');
  }
  public set log(value: boolean | cdktf.IResolvable) {
    this._log = value;
  }
  public resetLog() {
    this._log = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get logInput() {
    return this._log;
  }

  // mode - computed: false, optional: false, required: true
  private _mode?: string; 
  public get mode() {
    return this.getStringAttribute('mode');
  }
  public set mode(value: string) {
    this._mode = value;
  }
  // Temporarily expose input value. Use with caution.
  public get modeInput() {
    return this._mode;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // providers - computed: false, optional: false, required: true
  private _providers = new SharedServiceRuleProvidersOutputReference(this, "providers");
  public get providers() {
    return this._providers;
  }
  public putProviders(value: SharedServiceRuleProviders) {
    this._providers.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get providersInput() {
    return this._providers.internalValue;
  }

  // service_groups - computed: false, optional: true, required: false
  private _serviceGroups?: string[]; 
  public get serviceGroups() {
    return cdktf.Fn.tolist(this.getListAttribute('service_groups'));
  }
  public set serviceGroups(value: string[]) {
    this._serviceGroups = value;
  }
  public resetServiceGroups() {
    this._serviceGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceGroupsInput() {
    return this._serviceGroups;
  }

  // services - computed: false, optional: true, required: false
  private _services = new SharedServiceRuleServicesList(this, "services", true);
  public get services() {
    return this._services;
  }
  public putServices(value: SharedServiceRuleServices[] | cdktf.IResolvable) {
    this._services.internalValue = value;
  }
  public resetServices() {
    this._services.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesInput() {
    return this._services.internalValue;
  }

  // updated_at - computed: true, optional: false, required: false
  public get updatedAt() {
    return this.getStringAttribute('updated_at');
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getNumberAttribute('version');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      consumers: sharedServiceRuleConsumersToTerraform(this._consumers.internalValue),
      description: cdktf.stringToTerraform(this._description),
      log: cdktf.booleanToTerraform(this._log),
      mode: cdktf.stringToTerraform(this._mode),
      name: cdktf.stringToTerraform(this._name),
      providers: sharedServiceRuleProvidersToTerraform(this._providers.internalValue),
      service_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(this._serviceGroups),
      services: cdktf.listMapper(sharedServiceRuleServicesToTerraform, false)(this._services.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      consumers: {
        value: sharedServiceRuleConsumersToHclTerraform(this._consumers.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "SharedServiceRuleConsumers",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      log: {
        value: cdktf.booleanToHclTerraform(this._log),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      mode: {
        value: cdktf.stringToHclTerraform(this._mode),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      providers: {
        value: sharedServiceRuleProvidersToHclTerraform(this._providers.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "SharedServiceRuleProviders",
      },
      service_groups: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._serviceGroups),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      services: {
        value: cdktf.listMapperHcl(sharedServiceRuleServicesToHclTerraform, false)(this._services.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "SharedServiceRuleServicesList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
